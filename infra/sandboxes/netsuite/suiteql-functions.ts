// Oracle date and number conversions as SuiteQL applies them: TO_DATE / TO_TIMESTAMP parse with a
// format model, TO_CHAR formats with one, raw dates come back in the user's date format (M/D/YYYY)
// and numbers the way Oracle prints them (no leading zero: `.5`). Registered on the SQLite mirror by
// the SuiteQL engine (suiteql.ts).
import { SuiteqlError } from './suiteql-dialect.ts';
import { STORED_DATE } from './suiteql-mirror.ts';

const MONTHS = [
  'JANUARY',
  'FEBRUARY',
  'MARCH',
  'APRIL',
  'MAY',
  'JUNE',
  'JULY',
  'AUGUST',
  'SEPTEMBER',
  'OCTOBER',
  'NOVEMBER',
  'DECEMBER',
];
const DAYS = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];

type FormatToken =
  | { kind: 'element'; name: string; original: string }
  | { kind: 'literal'; text: string }
  | { kind: 'fm' };

const ELEMENTS = [
  'YYYY',
  'HH24',
  'HH12',
  'MONTH',
  'A.M.',
  'P.M.',
  'YY',
  'MM',
  'MON',
  'DDD',
  'DD',
  'DY',
  'DAY',
  'HH',
  'MI',
  'SS',
  'AM',
  'PM',
  'D',
  'Q',
];

function parseFormat(format: string): FormatToken[] {
  const tokens: FormatToken[] = [];
  let at = 0;
  while (at < format.length) {
    const rest = format.slice(at);
    if (rest.startsWith('"')) {
      const end = rest.indexOf('"', 1);
      if (end < 0) throw new SuiteqlError(`Invalid date format '${format}'.`);
      tokens.push({ kind: 'literal', text: rest.slice(1, end) });
      at += end + 1;
      continue;
    }
    if (rest.toUpperCase().startsWith('FM')) {
      tokens.push({ kind: 'fm' });
      at += 2;
      continue;
    }
    const element = ELEMENTS.find((candidate) => rest.toUpperCase().startsWith(candidate));
    if (element !== undefined) {
      tokens.push({ kind: 'element', name: element, original: rest.slice(0, element.length) });
      at += element.length;
      continue;
    }
    const char = rest[0]!;
    if (/[-/,.;: T]/.test(char)) {
      tokens.push({ kind: 'literal', text: char });
      at += 1;
      continue;
    }
    throw new SuiteqlError(`Invalid date format '${format}': format code '${char}' not recognized.`);
  }
  return tokens;
}

function styled(text: string, original: string): string {
  if (original === original.toUpperCase()) return text.toUpperCase();
  if (original[0] === original[0]!.toUpperCase()) return text[0]!.toUpperCase() + text.slice(1).toLowerCase();
  return text.toLowerCase();
}

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** Formats a stored date (`YYYY-MM-DDTHH:MM:SS`) with an Oracle format model. */
export function formatDate(stored: string, format: string): string {
  const match = STORED_DATE.exec(stored);
  if (match === null) throw new SuiteqlError(`'${stored}' is not a date.`);
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  let fillMode = false;
  let out = '';
  const num = (value: number, width = 2) => (fillMode ? String(value) : pad(value, width));
  for (const token of parseFormat(format)) {
    if (token.kind === 'fm') {
      fillMode = !fillMode;
      continue;
    }
    if (token.kind === 'literal') {
      out += token.text;
      continue;
    }
    const hour12 = hour % 12 === 0 ? 12 : hour % 12;
    switch (token.name) {
      case 'YYYY':
        out += pad(year, 4);
        break;
      case 'YY':
        out += pad(year % 100);
        break;
      case 'MM':
        out += num(month);
        break;
      case 'MON':
        out += styled(MONTHS[month - 1]!.slice(0, 3), token.original);
        break;
      case 'MONTH': {
        const name = styled(MONTHS[month - 1]!, token.original);
        out += fillMode ? name : name.padEnd(9, ' ');
        break;
      }
      case 'DD':
        out += num(day);
        break;
      case 'DDD': {
        const dayOfYear = (Date.UTC(year, month - 1, day) - Date.UTC(year, 0, 1)) / 86_400_000 + 1;
        out += num(dayOfYear, 3);
        break;
      }
      case 'D':
        out += String(weekday + 1);
        break;
      case 'DY':
        out += styled(DAYS[weekday]!.slice(0, 3), token.original);
        break;
      case 'DAY': {
        const name = styled(DAYS[weekday]!, token.original);
        out += fillMode ? name : name.padEnd(9, ' ');
        break;
      }
      case 'HH24':
        out += num(hour);
        break;
      case 'HH':
      case 'HH12':
        out += num(hour12);
        break;
      case 'MI':
        out += num(minute);
        break;
      case 'SS':
        out += num(second);
        break;
      case 'AM':
      case 'PM':
        out += styled(hour < 12 ? 'AM' : 'PM', token.original);
        break;
      case 'A.M.':
      case 'P.M.':
        out += styled(hour < 12 ? 'A.M.' : 'P.M.', token.original);
        break;
      case 'Q':
        out += String(Math.floor((month - 1) / 3) + 1);
        break;
    }
  }
  return out;
}

interface DateParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The format elements read as a number: the date part each sets, from the number (others are skipped). */
const numericElements: Record<string, { part: keyof DateParts; of: (value: number) => number }> = {
  YYYY: { part: 'year', of: (value) => value },
  YY: { part: 'year', of: (value) => 2000 + value },
  MM: { part: 'month', of: (value) => value },
  DD: { part: 'day', of: (value) => value },
  HH24: { part: 'hour', of: (value) => value },
  HH: { part: 'hour', of: (value) => value % 12 },
  HH12: { part: 'hour', of: (value) => value % 12 },
  MI: { part: 'minute', of: (value) => value },
  SS: { part: 'second', of: (value) => value },
};

/** Parses text with an Oracle format model into the stored date shape; throws when it does not fit. */
export function parseDate(text: string, format: string, allowTime: boolean): string {
  const tokens = parseFormat(format);
  let pattern = '^';
  const groups: string[] = [];
  for (const token of tokens) {
    if (token.kind === 'fm') continue;
    if (token.kind === 'literal') {
      pattern += token.text === ' ' ? '\\s+' : token.text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
      continue;
    }
    const digits: Record<string, string> = {
      YYYY: '(\\d{4})',
      YY: '(\\d{2})',
      DDD: '(\\d{1,3})',
      D: '(\\d)',
      Q: '(\\d)',
    };
    if (['MM', 'DD', 'HH24', 'HH', 'HH12', 'MI', 'SS'].includes(token.name)) pattern += '(\\d{1,2})';
    else if (digits[token.name] !== undefined) pattern += digits[token.name];
    else if (token.name === 'MON' || token.name === 'DY') pattern += '([A-Za-z]{3})';
    else if (token.name === 'MONTH' || token.name === 'DAY') pattern += '([A-Za-z]+)\\s*';
    else pattern += '(A\\.?M\\.?|P\\.?M\\.?)';
    groups.push(token.name);
  }
  const match = new RegExp(`${pattern}$`, 'i').exec(text.trim());
  if (match === null) throw new SuiteqlError(`Unparseable date '${text}' for format '${format}'.`);
  const parts: DateParts = { year: 1970, month: 1, day: 1, hour: 0, minute: 0, second: 0 };
  let afternoon: boolean | undefined;
  for (const [index, name] of groups.entries()) {
    const value = match[index + 1]!;
    const numeric = numericElements[name];
    if (numeric !== undefined) {
      parts[numeric.part] = numeric.of(Number(value));
    } else if (name === 'MON' || name === 'MONTH') {
      const found = MONTHS.findIndex(
        (candidate) => candidate.startsWith(value.toUpperCase()) && value.length >= 3,
      );
      if (found < 0) throw new SuiteqlError(`Unparseable date '${text}': bad month.`);
      parts.month = found + 1;
    } else if (['AM', 'PM', 'A.M.', 'P.M.'].includes(name)) {
      afternoon = value.toUpperCase().startsWith('P');
    }
  }
  const { year, month, day, minute, second } = parts;
  let hour = parts.hour;
  if (afternoon === true) hour += 12;
  const check = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw new SuiteqlError(`Unparseable date '${text}' for format '${format}'.`);
  }
  if (!allowTime && (hour !== 0 || minute !== 0 || second !== 0)) {
    throw new SuiteqlError(`Unparseable date '${text}' for format '${format}'.`);
  }
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}`;
}

/** The user's date format preference (NetSuite's default, M/D/YYYY). */
export function userDate(stored: string): string {
  const match = STORED_DATE.exec(stored);
  if (match === null) return stored;
  return `${Number(match[2])}/${Number(match[3])}/${match[1]}`;
}

/** A number as Oracle prints it: no binary noise, no leading zero before the decimal point. */
export function oracleNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const clean = Number(value.toPrecision(15));
  if (Object.is(clean, -0) || clean === 0) return '0';
  const text = String(clean);
  if (text.startsWith('0.')) return text.slice(1);
  if (text.startsWith('-0.')) return `-${text.slice(2)}`;
  return text;
}

/** TO_CHAR(number, '999,990.00')-style models, the common cases only. */
export function formatNumber(value: number, format: string): string {
  const model = format.toUpperCase();
  const fill = model.startsWith('FM');
  const body = fill ? model.slice(2) : model;
  if (!/^[9990,.$]+$/.test(body.replace(/0/g, '9')))
    throw new SuiteqlError(`Invalid number format '${format}'.`);
  const point = body.indexOf('.');
  const decimals = point < 0 ? 0 : body.length - point - 1;
  let text = Math.abs(value).toFixed(decimals);
  if (body.includes(',')) {
    const [whole, fraction] = text.split('.');
    text = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (fraction === undefined ? '' : `.${fraction}`);
  }
  if (body.startsWith('$')) text = `$${text}`;
  const signed = value < 0 ? `-${text}` : text;
  return fill ? signed : signed.padStart(body.length + 1, ' ');
}
