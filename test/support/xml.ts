// A small strict XML reader for the tests of the SQS query protocol: elements, attributes, text and the
// five entities plus character references; throws on anything malformed (unbalanced or unknown tags,
// bare `&` or `<`, text outside the root, CR left unescaped is normalised to LF as XML parsers do).
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (its children's text excluded), entities decoded. */
  text: string;
}

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeText(raw: string): string {
  if (/&(?![a-zA-Z]+;|#\d+;|#x[0-9a-fA-F]+;)/.test(raw)) throw new Error(`bare & in ${raw}`);
  if (raw.includes('<')) throw new Error(`bare < in ${raw}`);
  // XML 1.0 §2.11: a literal CR or CRLF reaches the application as LF.
  return raw.replace(/\r\n?/g, '\n').replace(/&(#x[0-9a-fA-F]+|#\d+|[a-zA-Z]+);/g, (_, ref: string) => {
    if (ref.startsWith('#x')) return String.fromCodePoint(Number.parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(Number(ref.slice(1)));
    const value = entities[ref];
    if (value === undefined) throw new Error(`unknown entity &${ref};`);
    return value;
  });
}

/** Parses one XML document into its root element. */
export function parseXml(xml: string): XmlElement {
  let at = 0;
  const rest = () => xml.slice(at);
  const skipSpace = () => {
    while (at < xml.length && /\s/.test(xml[at] ?? '')) at += 1;
  };
  skipSpace();
  if (rest().startsWith('<?xml')) {
    const end = xml.indexOf('?>', at);
    if (end < 0) throw new Error('unterminated XML declaration');
    at = end + 2;
  }
  skipSpace();

  const readElement = (): XmlElement => {
    const open = /^<([A-Za-z_][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/.exec(rest());
    if (!open) throw new Error(`expected a start tag at ${at}: ${rest().slice(0, 40)}`);
    at += open[0].length;
    const element: XmlElement = { name: open[1]!, attributes: {}, children: [], text: '' };
    for (const match of (open[2] ?? '').matchAll(/([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      element.attributes[match[1]!] = decodeText(match[2] ?? match[3] ?? '');
    }
    if (open[3] === '/') return element;
    for (;;) {
      const next = xml.indexOf('<', at);
      if (next < 0) throw new Error(`unclosed <${element.name}>`);
      element.text += decodeText(xml.slice(at, next));
      at = next;
      if (rest().startsWith('</')) {
        const close = /^<\/([A-Za-z_][\w.:-]*)\s*>/.exec(rest());
        if (!close || close[1] !== element.name) {
          throw new Error(`expected </${element.name}> at ${at}: ${rest().slice(0, 40)}`);
        }
        at += close[0].length;
        return element;
      }
      element.children.push(readElement());
    }
  };

  const root = readElement();
  skipSpace();
  if (at !== xml.length) throw new Error(`content after the root element: ${rest().slice(0, 40)}`);
  return root;
}

/** The children of `element` named `name`. */
export const childrenNamed = (element: XmlElement, name: string): XmlElement[] =>
  element.children.filter((child) => child.name === name);

/** The one child named `name`; throws when there is none or more than one. */
export function child(element: XmlElement, name: string): XmlElement {
  const found = childrenNamed(element, name);
  if (found.length !== 1) throw new Error(`<${element.name}> has ${found.length} <${name}>`);
  return found[0]!;
}

/** The text of the child at `path` (names separated by `/`). */
export const textAt = (element: XmlElement, path: string): string =>
  path.split('/').reduce(child, element).text;
