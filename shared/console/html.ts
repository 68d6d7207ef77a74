// HTML for the operator console: an escaping template tag (every interpolated value is escaped unless it
// is already Html), the page layout, and the static stylesheet and script the pages load.

export class Html {
  readonly text: string;
  constructor(text: string) {
    this.text = text;
  }
  toString(): string {
    return this.text;
  }
}

type Value = Html | string | number | boolean | null | undefined | readonly Value[];

export const escapeHtml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char,
  );

function render(value: Value): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/** `html\`<p>${text}</p>\``: the text is escaped; nested `html` fragments are kept as they are. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, index) => {
    out += render(value) + (strings[index + 1] ?? '');
  });
  return new Html(out);
}

/** An instant shown in the viewer's time zone by console.js (the UTC text stays without script). */
export const time = (iso: string | undefined | null): Html =>
  iso === undefined || iso === null || iso === ''
    ? html`-`
    : html`<time datetime="${iso}">${iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}</time>`;

export interface Page {
  title: string;
  user?: string;
  /** The CSRF token of the logout form (absent on the login page). */
  csrf?: string;
  notice?: { kind: 'ok' | 'error'; text: string };
  body: Html;
}

const navigation: ReadonlyArray<[string, string]> = [
  ['./', 'Overview'],
  ['failures', 'Failures'],
  ['settings', 'Settings'],
];

export function layout(page: Page, base: string): string {
  return `<!doctype html>${
    html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} — apsync console</title>
<link rel="stylesheet" href="${base}assets/console.css">
<script src="${base}assets/console.js" defer></script>
</head>
<body>
<header>
<a class="brand" href="${base}">apsync</a>
${
  page.user === undefined
    ? ''
    : html`<nav aria-label="Main">${navigation.map(
        ([href, label]) => html`<a href="${base}${href === './' ? '' : href}">${label}</a>`,
      )}</nav>
<form method="post" action="${base}logout" class="who"><span>${page.user}</span>
<input type="hidden" name="csrf" value="${page.csrf ?? ''}"><button type="submit">Log out</button></form>`
}
</header>
<main>
<h1>${page.title}</h1>
${page.notice === undefined ? '' : html`<p class="notice ${page.notice.kind}" role="status">${page.notice.text}</p>`}
${page.body}
</main>
</body>
</html>`.text
  }`;
}

export const stylesheet = `
:root { font-family: system-ui, sans-serif; color: #1b1f24; background: #fff; }
body { margin: 0; }
header { display: flex; gap: 1.5rem; align-items: center; padding: .6rem 1.2rem; background: #1f3b57; color: #fff; }
header a { color: #fff; text-decoration: none; }
header a:focus, header a:hover { text-decoration: underline; }
.brand { font-weight: 700; }
nav { display: flex; gap: 1rem; }
.who { margin-left: auto; display: flex; gap: .6rem; align-items: center; }
main { padding: 1rem 1.2rem; max-width: 1400px; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1.5rem; }
th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #d0d7de; vertical-align: top; }
td.message { white-space: pre-wrap; overflow-wrap: anywhere; }
.notice { padding: .6rem; border-radius: 4px; }
.notice.ok { background: #dafbe1; }
.notice.error { background: #ffebe9; }
form.inline { display: inline; }
form.filters { display: flex; gap: 1rem; align-items: end; flex-wrap: wrap; margin-bottom: 1rem; }
label { display: flex; flex-direction: column; gap: .2rem; font-size: .9rem; }
button, input, select, textarea { font: inherit; }
button { cursor: pointer; }
ol.timeline { list-style: none; padding: 0; border-left: 3px solid #d0d7de; }
ol.timeline li { padding: .3rem .8rem; }
pre { background: #f6f8fa; padding: .6rem; overflow-x: auto; }
`;

/** The one script: instants in the viewer's time zone. Everything works without it. */
export const script = `
for (const el of document.querySelectorAll('time[datetime]')) {
  const when = new Date(el.getAttribute('datetime'));
  if (!Number.isNaN(when.getTime())) { el.title = el.textContent; el.textContent = when.toLocaleString(); }
}
`;
