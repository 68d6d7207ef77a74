// The code of the error a secret without a value gives (a first deploy, before `apsync secrets set`), apart
// from credentials.ts which gives it: a schedule's switch (shared/lambda/schedule-switch.ts) knows the error
// by it without loading the NetSuite and Procurify schemas the credentials are checked with.
export const secretNotSetCode = 'secret-not-set';
