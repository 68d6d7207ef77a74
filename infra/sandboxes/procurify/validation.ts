// Django REST Framework style validation of the bodies the Procurify sandbox accepts (vendor, account
// code, department writes and mark-as-paid): 400 answers shaped `{"field": ["message"]}` with DRF's
// own message texts, so the client's error handling is exercised against realistic bodies.

export type FieldErrors = Record<string, unknown>;

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

interface FieldSpec {
  kind:
    | 'string'
    | 'integer'
    | 'boolean'
    | 'emailList'
    | 'integerList'
    | 'stringList'
    | 'object'
    | 'paymentTerm'
    | 'decimal';
  required?: boolean;
  nullable?: boolean;
  allowBlank?: boolean;
  maxLength?: number;
  choices?: readonly number[];
  /** For primary keys: returns false when no such object exists. */
  exists?: (id: number) => boolean;
  /** For decimals: the digits allowed (DRF's DecimalField, as the OpenAPI pattern writes it). */
  pattern?: RegExp;
}

export type Schema = Record<string, FieldSpec>;

const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** DRF's refusal of a value that is not a dictionary, naming the value's Python type. */
function notADictionary(value: unknown): { ok: false; errors: FieldErrors } {
  const got = Array.isArray(value)
    ? 'list'
    : value === null
      ? 'NoneType'
      : typeof value === 'string'
        ? 'str'
        : typeof value === 'boolean'
          ? 'bool'
          : 'int';
  return {
    ok: false,
    errors: { non_field_errors: [`Invalid data. Expected a dictionary, but got ${got}.`] },
  };
}

/**
 * Validates `body` against `schema`. Unknown fields are ignored (as DRF does). With `partial` (PATCH)
 * no field is required. Returns only the fields present in the body.
 */
export function validateBody(
  body: unknown,
  schema: Schema,
  partial: boolean,
): Validated<Record<string, unknown>> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return notADictionary(body);
  const input = body as Record<string, unknown>;
  const errors: FieldErrors = {};
  const value: Record<string, unknown> = {};
  for (const [field, spec] of Object.entries(schema)) {
    if (!(field in input)) {
      if (spec.required === true && !partial) errors[field] = ['This field is required.'];
      continue;
    }
    const result = validateField(input[field], spec);
    if (result.ok) value[field] = result.value;
    else errors[field] = result.errors;
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value };
}

function validateField(
  raw: unknown,
  spec: FieldSpec,
): { ok: true; value: unknown } | { ok: false; errors: unknown } {
  if (raw === null) {
    return spec.nullable === true
      ? { ok: true, value: null }
      : { ok: false, errors: ['This field may not be null.'] };
  }
  switch (spec.kind) {
    case 'string': {
      if (typeof raw !== 'string' && typeof raw !== 'number')
        return { ok: false, errors: ['Not a valid string.'] };
      const text = String(raw).trim();
      if (text === '' && spec.allowBlank !== true)
        return { ok: false, errors: ['This field may not be blank.'] };
      if (spec.maxLength !== undefined && text.length > spec.maxLength) {
        return { ok: false, errors: [`Ensure this field has no more than ${spec.maxLength} characters.`] };
      }
      return { ok: true, value: text };
    }
    case 'decimal': {
      const text = typeof raw === 'number' ? String(raw) : typeof raw === 'string' ? raw.trim() : undefined;
      if (text === undefined || !/^-?(\d+\.?\d*|\.\d+)$/.test(text))
        return { ok: false, errors: ['A valid number is required.'] };
      if (spec.pattern !== undefined && !spec.pattern.test(text))
        return { ok: false, errors: ['Ensure that there are no more than 5 digits in total.'] };
      return { ok: true, value: text };
    }
    case 'integer': {
      const number = typeof raw === 'string' && /^-?\d+$/.test(raw.trim()) ? Number(raw) : raw;
      if (typeof number !== 'number' || !Number.isInteger(number)) {
        return { ok: false, errors: ['A valid integer is required.'] };
      }
      if (spec.choices !== undefined && !spec.choices.includes(number)) {
        return { ok: false, errors: [`"${number}" is not a valid choice.`] };
      }
      if (spec.exists !== undefined && !spec.exists(number)) {
        return { ok: false, errors: [`Invalid pk "${number}" - object does not exist.`] };
      }
      return { ok: true, value: number };
    }
    case 'boolean': {
      const truthy: unknown[] = [true, 'true', 'True', 1, '1'];
      const falsy: unknown[] = [false, 'false', 'False', 0, '0'];
      if (truthy.includes(raw)) return { ok: true, value: true };
      if (falsy.includes(raw)) return { ok: true, value: false };
      return { ok: false, errors: ['Must be a valid boolean.'] };
    }
    case 'emailList':
    case 'stringList':
    case 'integerList': {
      if (!Array.isArray(raw)) {
        const type = typeof raw === 'string' ? 'str' : typeof raw === 'number' ? 'int' : 'dict';
        return { ok: false, errors: [`Expected a list of items but got type "${type}".`] };
      }
      // DRF reports a ListField's child errors keyed by index: {"email": {"1": ["Enter a valid email address."]}}
      const childErrors: Record<string, string[]> = {};
      const values: unknown[] = [];
      raw.forEach((item, index) => {
        if (spec.kind === 'integerList') {
          if (typeof item !== 'number' || !Number.isInteger(item))
            childErrors[index] = ['A valid integer is required.'];
          else if (spec.exists !== undefined && !spec.exists(item)) {
            childErrors[index] = [`Invalid pk "${item}" - object does not exist.`];
          } else values.push(item);
        } else if (typeof item !== 'string') {
          childErrors[index] = ['Not a valid string.'];
        } else if (spec.kind === 'emailList' && !emailPattern.test(item.trim())) {
          childErrors[index] = ['Enter a valid email address.'];
        } else {
          values.push(item.trim());
        }
      });
      if (Object.keys(childErrors).length > 0) return { ok: false, errors: childErrors };
      return { ok: true, value: values };
    }
    case 'object': {
      if (typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, errors: ['Invalid data.'] };
      return { ok: true, value: raw };
    }
    case 'paymentTerm': {
      // A nested PaymentTermRequest {name, description?, active?}, as the OpenAPI document writes it.
      if (typeof raw !== 'object' || Array.isArray(raw)) return notADictionary(raw);
      const nested = validateBody(raw, paymentTermSchema, false);
      return nested.ok ? { ok: true, value: nested.value } : { ok: false, errors: nested.errors };
    }
  }
}

const paymentTermSchema: Schema = {
  name: { kind: 'string', required: true, maxLength: 100 },
  description: { kind: 'string', nullable: true, allowBlank: true },
  active: { kind: 'boolean' },
};

const nullableText = (maxLength: number): FieldSpec => ({
  kind: 'string',
  nullable: true,
  allowBlank: true,
  maxLength,
});

/**
 * OptimizedVendorRequest (infra/contracts/facts/procurify.json): `name`, `email`, `type` and
 * `overall_score` are required on POST and PUT (its `required` list); `payment_term_ref` is a nested
 * payment term `{name, ...}` (found by name, created when new). `overall_score` (a decimal string of at
 * most 2 + 3 digits, or null) is checked but not kept: the score Procurify shows is read-only and
 * computed (VendorDetail.overall_score is `readOnly`).
 */
export function vendorSchema(deps: { currencyExists: (id: number) => boolean }): Schema {
  return {
    name: { kind: 'string', required: true, maxLength: 150 },
    active: { kind: 'boolean' },
    addressLineOne: nullableText(300),
    addressLineTwo: nullableText(300),
    postalCode: nullableText(20),
    city: nullableText(50),
    state_province: nullableText(40),
    country: nullableText(80),
    phoneOne: nullableText(20),
    phoneTwo: nullableText(20),
    fax: nullableText(20),
    email: { kind: 'emailList', required: true },
    comments: { kind: 'string', nullable: true, allowBlank: true },
    contact: nullableText(50),
    url: nullableText(200),
    external_id: nullableText(100),
    currency: { kind: 'integer', nullable: true, exists: deps.currencyExists },
    payment_term_ref: { kind: 'paymentTerm', nullable: true },
    tax: { kind: 'integer', nullable: true },
    // VendorTypeEnum: OTHER (1) and EMPLOYEE (5) exist but cannot be written.
    type: { kind: 'integer', required: true, choices: [2, 3, 4, 6, 7] },
    default_payment_method: { kind: 'integer', nullable: true },
    is_1099_eligible: { kind: 'boolean', nullable: true },
    overall_score: { kind: 'decimal', required: true, nullable: true, pattern: /^-?\d{0,2}(?:\.\d{0,3})?$/ },
  };
}

/**
 * AccountCodeCreateRequest / AccountCodeUpdateRequest (infra/contracts/facts/procurify.json). Neither has
 * `active`: an `active` in the body is ignored, as DRF ignores unknown fields, so an account code cannot
 * be deactivated through the API (only in Procurify's web app; the admin API does it for tests).
 */
export function accountCodeSchema(deps: {
  accountCodeExists: (id: number) => boolean;
  departmentExists: (id: number) => boolean;
}): Schema {
  const schema: Schema = {
    code: { kind: 'string', required: true, maxLength: 50 },
    description: { kind: 'string', required: true, maxLength: 200 },
    account_type: { kind: 'integer', choices: [0, 1, 2, 3, 4, 5] },
    parent: { kind: 'integer', nullable: true, exists: deps.accountCodeExists },
    departments: { kind: 'integerList', exists: deps.departmentExists },
  };
  return schema;
}

/** DepartmentUpsertRequest. */
export function departmentSchema(deps: { locationExists: (id: number) => boolean }): Schema {
  return {
    name: { kind: 'string', required: true, maxLength: 150 },
    branch: { kind: 'integer', required: true, exists: deps.locationExists },
    external_id: nullableText(100),
    active: { kind: 'boolean' },
    punchout_email: { kind: 'string', nullable: true, allowBlank: true },
  };
}

/** MarkBillsAsPaidRequest. */
export const markAsPaidSchema: Schema = {
  bill_uuids: { kind: 'stringList', required: true },
  bill_group_ids: { kind: 'integerList' },
  payment_date: { kind: 'string', required: true },
};
