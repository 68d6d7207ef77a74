// A small, valid one-page PDF made in code (PDF 1.4: catalog, page tree, page, Helvetica, a text
// stream, a cross-reference table with exact offsets), for the invoice files of sandbox bills: the demo
// company, the soak and the tests attach these instead of keeping binary files in the repository.

/** Text as a PDF literal string: backslashes and parentheses escaped, only printable ASCII kept. */
function literal(text: string): string {
  return `(${text.replace(/[^\x20-\x7e]/g, '?').replace(/([\\()])/g, '\\$1')})`;
}

/**
 * A PDF showing `lines` (an invoice number, a vendor, amounts...) in 10-point Helvetica. The same lines
 * give the same bytes (no dates or ids inside), so tests can compare SHA-1s.
 */
export function invoicePdf(lines: readonly string[]): Buffer {
  const text = lines
    .map((line, index) => `BT /F1 10 Tf 36 ${756 - index * 14} Td ${literal(line)} Tj ET`)
    .join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(text, 'latin1')} >>\nstream\n${text}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  for (const [index, object] of objects.entries()) {
    offsets.push(Buffer.byteLength(body, 'latin1'));
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  }
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) body += `${String(offset).padStart(10, '0')} 00000 n \n`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** `invoicePdf` as the base64 `content` of an attachment input (admin API, seed records). */
export const invoicePdfBase64 = (lines: readonly string[]): string => invoicePdf(lines).toString('base64');
