// The record API's metadata catalog (`GET /services/rest/record/v1/metadata-catalog/{type}`, Oracle help
// "Working with OpenAPI 3.0 Metadata"): a record type's OpenAPI 3.0 description with the account's custom
// fields. apsync reads it to check, when an operator configures custom fields, that a field exists on the
// Vendor Bill (body or expense line) and has a type the configured source can fill.
import * as z from 'zod';
import type { NetSuiteTransport } from './transport.ts';

/** One field's schema: its JSON type and format, or a `$ref` (a record reference such as nsResource). */
export interface MetadataField {
  type?: string;
  format?: string;
  $ref?: string;
}

export interface NetSuiteMetadata {
  /** Field schemas of the record (`vendorBill`) and of its sublists' lines (`vendorBill-expenseElement`). */
  recordFields(
    type: string,
  ): Promise<{ record: Map<string, MetadataField>; lines: Map<string, Map<string, MetadataField>> }>;
}

const fieldSchema = z
  .object({ type: z.string().optional(), format: z.string().optional(), $ref: z.string().optional() })
  .loose();
const documentSchema = z.object({
  components: z.object({
    schemas: z.record(
      z.string(),
      z.object({ properties: z.record(z.string(), fieldSchema).optional() }).loose(),
    ),
  }),
});

export class RestNetSuiteMetadata implements NetSuiteMetadata {
  private readonly transport: NetSuiteTransport;

  constructor(transport: NetSuiteTransport) {
    this.transport = transport;
  }

  async recordFields(type: string) {
    const response = await this.transport.send({
      method: 'GET',
      path: `/services/rest/record/v1/metadata-catalog/${encodeURIComponent(type)}`,
      headers: { accept: 'application/swagger+json' },
      idempotent: true,
    });
    const document = documentSchema.parse(JSON.parse(response.bodyText));
    const toMap = (properties: Record<string, z.output<typeof fieldSchema>> | undefined) =>
      new Map(Object.entries(properties ?? {}).map(([name, field]) => [name, field as MetadataField]));
    const lines = new Map<string, Map<string, MetadataField>>();
    for (const [name, schema] of Object.entries(document.components.schemas)) {
      const line = new RegExp(`^${type}-(\\w+)Element$`).exec(name);
      if (line !== null) lines.set(line[1]!, toMap(schema.properties));
    }
    return { record: toMap(document.components.schemas[type]?.properties), lines };
  }
}
