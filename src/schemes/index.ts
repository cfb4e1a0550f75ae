import type { TSchema } from 'typebox';
import { PROVIDER_NAMES, providerDefinition, type ProviderName } from '../providers/index.ts';
import { apiTokenScheme } from './api-token.ts';
import { clientCredentialsScheme } from './client-credentials.ts';
import { oauth2ThreeLegged } from './oauth2-3lo.ts';
import type { SchemeStrategy } from './types.ts';

/**
 * The auth schemes, one entry per strategy file. A new scheme is its file and its line here; the
 * names (AuthSchemeName, the API's enums, the database's CHECKs), the create body's fields and the
 * providers offering it (those whose definitions list it) all follow from this record.
 */
export const SCHEMES = {
  oauth2_3lo: oauth2ThreeLegged,
  client_credentials: clientCredentialsScheme,
  api_token: apiTokenScheme,
} satisfies Record<string, SchemeStrategy>;

export type AuthSchemeName = keyof typeof SCHEMES;

/** In registry order (the API's enums list them so). */
export const SCHEME_NAMES = Object.keys(SCHEMES) as [AuthSchemeName, ...AuthSchemeName[]];

/** A config created without `auth_scheme`: the registry's first, user consent. */
export const DEFAULT_SCHEME: AuthSchemeName = SCHEME_NAMES[0];

export const schemeOf = (name: AuthSchemeName): SchemeStrategy => SCHEMES[name];

/** The providers offering `scheme`: those whose definitions list it. */
export const providersOffering = (scheme: AuthSchemeName): ProviderName[] =>
  PROVIDER_NAMES.filter((p) => providerDefinition(p).schemes.includes(scheme));

/** The schemes whose auth configs hold no OAuth client (the database's client CHECK). */
export const SCHEMES_WITHOUT_CLIENT = SCHEME_NAMES.filter((s) => !SCHEMES[s].configHoldsClient);

/** `auth_scheme`'s description in the API: each scheme's summary. */
export const SCHEMES_SUMMARY = SCHEME_NAMES.map((s) => `${s}: ${SCHEMES[s].summary}`).join('; ');

/**
 * The create body's scheme fields, in registry order. Two schemes naming one field name one
 * schema object (schemes/shared.ts), or the registry is wrong.
 */
export const SCHEME_CREATE_FIELDS: Readonly<Record<string, TSchema>> = (() => {
  const fields: Record<string, TSchema> = {};
  for (const s of SCHEME_NAMES) {
    for (const [name, schema] of Object.entries(SCHEMES[s].createFields)) {
      if (fields[name] && fields[name] !== schema)
        throw new TypeError(`create field ${name} is declared twice with different schemas`);
      fields[name] = schema;
    }
  }
  return fields;
})();

/** The schemes taking a create-body field. */
export const schemesTaking = (field: string): AuthSchemeName[] =>
  SCHEME_NAMES.filter((s) => Object.hasOwn(SCHEMES[s].createFields, field));

/** The schemes whose accounts take a new credential in place (PATCH credentials). */
export const SCHEMES_REPLACING = SCHEME_NAMES.filter((s) => SCHEMES[s].replaceCredential);
