// The one meaning of "Procurify domain" everywhere (cdk.json `procurify.domain`, the Procurify secret's
// `domain`, `apsync secrets set procurify`): the customer's sub-domain, Procurify's own term —
// `acme` for https://acme.procurify.com. Validated with the same schema at each boundary; the API host
// is derived here only.
import * as z from 'zod';

const subDomainPattern = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** The message for a value that is not a bare sub-domain, with the sub-domain it probably meant. */
export function procurifyDomainMessage(value: unknown): string {
  const got = value === undefined ? 'nothing' : JSON.stringify(value);
  if (typeof value === 'string') {
    const host = value
      .trim()
      .toLowerCase()
      .replace(/^[a-z]+:\/\//, '')
      .replace(/[/?#].*$/, '');
    const label = host.endsWith('.procurify.com') ? host.slice(0, -'.procurify.com'.length) : undefined;
    if (label !== undefined && subDomainPattern.test(label)) {
      return `must be the sub-domain only, like "${label}" (for ${label}.procurify.com); got ${got}`;
    }
  }
  return `must be the sub-domain only, like "acme" (for acme.procurify.com): letters, digits and "-"; got ${got}`;
}

/** A Procurify sub-domain such as `acme`; upper-case letters are lowered (host names ignore case). */
export const procurifyDomain = () =>
  z.string({ error: (issue) => procurifyDomainMessage(issue.input) }).transform((value, context) => {
    const domain = value.toLowerCase();
    if (!subDomainPattern.test(domain)) {
      context.addIssue({ code: 'custom', message: procurifyDomainMessage(value), input: value });
      return z.NEVER;
    }
    return domain;
  });

/** The customer's Procurify API host for a sub-domain: `https://acme.procurify.com`. */
export function procurifyBaseUrlFor(domain: string): string {
  return `https://${domain}.procurify.com`;
}
