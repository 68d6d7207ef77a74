// What the X-Ray SDK (aws-xray-sdk-core, loaded by Powertools' Tracer) takes from `semver`, in its place
// in the bundles (infra/cdk/esbuild-options.ts): one `gte` call, in captureAWS, its patcher for the AWS SDK
// v2, which apsync never calls. The whole package (about 40 modules, their regular expressions built at
// load) cost each traced cold start ~25 M instructions. Same answers as semver's gte for valid versions
// (test/unit/bundle-shims.test.ts), and the same TypeError for an invalid one.
'use strict';

const versionPattern =
  /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][a-zA-Z0-9-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][a-zA-Z0-9-]*))*))?(?:\+[0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*)?$/;

function parse(version) {
  const match = typeof version === 'string' ? versionPattern.exec(version.trim()) : null;
  if (match === null) throw new TypeError(`Invalid Version: ${version}`);
  return {
    numbers: [Number(match[1]), Number(match[2]), Number(match[3])],
    prerelease: match[4]?.split('.') ?? [],
  };
}

/** Precedence of two prerelease identifiers: numbers below names, numbers by value, names as text. */
function compareIdentifiers(a, b) {
  const aNumeric = /^\d+$/.test(a);
  const bNumeric = /^\d+$/.test(b);
  if (aNumeric && bNumeric) return Number(a) - Number(b);
  if (aNumeric !== bNumeric) return aNumeric ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compare(a, b) {
  for (let index = 0; index < 3; index += 1) {
    const difference = a.numbers[index] - b.numbers[index];
    if (difference !== 0) return difference;
  }
  // A version with a prerelease precedes the same version without one.
  if (a.prerelease.length === 0 || b.prerelease.length === 0)
    return b.prerelease.length - a.prerelease.length;
  for (let index = 0; index < Math.max(a.prerelease.length, b.prerelease.length); index += 1) {
    if (a.prerelease[index] === undefined) return -1;
    if (b.prerelease[index] === undefined) return 1;
    const difference = compareIdentifiers(a.prerelease[index], b.prerelease[index]);
    if (difference !== 0) return difference;
  }
  return 0;
}

exports.gte = (a, b) => compare(parse(a), parse(b)) >= 0;
