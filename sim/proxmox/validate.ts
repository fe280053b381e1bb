// Parameter verification as PVE's JSONSchema.pm does it: every parameter checked against its
// schema (type, format, pattern, length, range, enum), unknown ones refused, missing required
// ones named. Returns PVE's `errors` map: parameter -> message.
import { checkNamedFormat } from './formats.ts';
import type { ParamSchema } from './schema.ts';

type Errors = Record<string, string>;

const IPCONFIG_FORMAT: Record<string, ParamSchema> = {
  ip: { type: 'string', format: 'pve-ipv4-config', optional: 1 },
  gw: { type: 'string', format: 'ipv4', optional: 1 },
  ip6: { type: 'string', format: 'pve-ipv6-config', optional: 1 },
  gw6: { type: 'string', format: 'ipv6', optional: 1 },
};

const isNumber = (v: string): boolean => /^[+-]?(\d+\.\d+|\d+\.|\.\d+|\d+)([eE][+-]?\d+)?$/.test(v);

function addError(errors: Errors, path: string, message: string): void {
  const key = path || '_root';
  errors[key] = errors[key] ? `${errors[key]}\\n${message}` : message;
}

function typeError(type: string | undefined, value: string): string | null {
  if (type === 'boolean' && value !== '0' && value !== '1') return `type check ('boolean') failed - got '${value}'`;
  if (type === 'integer' && !/^[+-]?\d+$/.test(value)) return `type check ('integer') failed - got '${value}'`;
  if (type === 'number' && !isNumber(value)) return `type check ('number') failed - got '${value}'`;
  return null;
}

/** Perl regex syntax the schema uses, rewritten for JavaScript. */
function perlPattern(pattern: string): RegExp | null {
  try {
    return new RegExp(`^(?:${pattern.replace(/\(\?\^:/g, '(?:').replace(/\{,(\d+)\}/g, '{0,$1}')})$`);
  } catch {
    return null;
  }
}

function formatError(format: ParamSchema['format'], value: string): string | null {
  if (format === undefined) return null;
  if (typeof format === 'object') return propertyStringError(format, value);
  if (format === 'pve-qm-ipconfig') {
    const error = propertyStringError(IPCONFIG_FORMAT, value);
    return error ? `unable to parse ip config: ${error}` : null;
  }
  return checkNamedFormat(format, value);
}

export function checkProp(value: string | undefined, schema: ParamSchema, path: string, errors: Errors): void {
  if (value === undefined) {
    if (!schema.optional && !schema.alias) addError(errors, path, 'property is missing and it is not optional');
    return;
  }
  const wrongType = typeError(schema.type, value);
  if (wrongType) return addError(errors, path, wrongType);
  const badFormat = formatError(schema.format, value);
  if (badFormat) return addError(errors, path, `invalid format - ${badFormat}`);
  const pattern = schema.pattern ? perlPattern(schema.pattern) : null;
  if (pattern && !pattern.test(value)) return addError(errors, path, 'value does not match the regex pattern');
  if (schema.maxLength !== undefined && value.length > schema.maxLength) {
    return addError(errors, path, `value may only be ${schema.maxLength} characters long`);
  }
  if (schema.minLength !== undefined && value.length < schema.minLength) {
    return addError(errors, path, `value must be at least ${schema.minLength} characters long`);
  }
  if (isNumber(value)) {
    if (schema.maximum !== undefined && Number(value) > Number(schema.maximum)) {
      return addError(errors, path, `value must have a maximum value of ${schema.maximum}`);
    }
    if (schema.minimum !== undefined && Number(value) < Number(schema.minimum)) {
      return addError(errors, path, `value must have a minimum value of ${schema.minimum}`);
    }
  }
  if (schema.enum && !schema.enum.includes(value)) {
    addError(errors, path, `value '${value}' does not have a value in the enumeration '${schema.enum.join(', ')}'`);
  }
}

const parseBoolean = (v: string): string =>
  /^(1|on|yes|true)$/i.test(v) ? '1' : /^(0|off|no|false)$/i.test(v) ? '0' : v;

/** parse_property_string: `key=value,...` with an optional bare default key; the error text or null. */
function propertyStringError(format: Record<string, ParamSchema>, data: string): string | null {
  const values: Record<string, string> = {};
  let defaultKey: string | undefined;
  for (const part of data.split(',')) {
    if (/^\s*$/.test(part)) continue;
    const pair = /^([^=]+)=(.+)$/.exec(part);
    if (pair) {
      let key = pair[1]!;
      if (values[key] !== undefined) return `duplicate key in comma-separated list property: ${key}\n`;
      let schema = format[key];
      if (schema?.alias) {
        if (schema.keyAlias) values[schema.keyAlias] = key;
        key = schema.alias;
        schema = format[key];
      }
      if (!schema) return `invalid key in comma-separated list property: ${key}\n`;
      values[key] = schema.type === 'boolean' ? parseBoolean(pair[2]!) : pair[2]!;
    } else if (!part.includes('=')) {
      if (defaultKey) return `duplicate key in comma-separated list property: ${defaultKey}\n`;
      defaultKey = Object.keys(format).find((k) => format[k]!.default_key);
      if (!defaultKey) return 'value without key, but schema does not define a default key\n';
      values[defaultKey] = part;
    } else {
      return 'missing key in comma-separated list property\n';
    }
  }
  const errors: Errors = {};
  for (const [key, schema] of Object.entries(format)) checkProp(values[key], schema, key, errors);
  const lines = Object.entries(errors).map(([k, m]) => `${k}: ${m}\n`);
  return lines.length ? `format error\n${lines.join('')}` : null;
}

/** A parameter named `name0`, `name1`… is declared in the schema as `name[n]`. */
function schemaFor(properties: Record<string, ParamSchema>, name: string): ParamSchema | undefined {
  if (properties[name]) return properties[name];
  const indexed = /^(.*?)(\d+)$/.exec(name);
  return indexed ? properties[`${indexed[1]}[n]`] : undefined;
}

export function validateParameters(
  parameters: { additionalProperties?: number; properties?: Record<string, ParamSchema> },
  values: Record<string, string>,
): Errors {
  const properties = parameters.properties ?? {};
  const errors: Errors = {};
  for (const [name, schema] of Object.entries(properties)) {
    if (!name.endsWith('[n]')) checkProp(values[name], schema, name, errors);
  }
  for (const [name, value] of Object.entries(values)) {
    const schema = schemaFor(properties, name);
    if (!schema) {
      if (!parameters.additionalProperties) {
        addError(errors, name, 'property is not defined in schema and the schema does not allow additional properties');
      }
    } else if (!properties[name]) {
      checkProp(value, schema, name, errors);
    }
  }
  return errors;
}
