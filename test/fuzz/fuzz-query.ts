import fc from 'fast-check';
import { fuzzFilter } from './fuzz-filters.js';
import { fuzzString } from './fuzz-strings.js';

const NUMBERS = ['-1', '0', '1', '2', '1000', '1001', '-9999999999999999999999', '9999999999999999999999', '1e309', '1.5', ' 2 ', 'abc', '', '0x10', 'NaN', 'Infinity', '1,2', '٣'];
const NAMES = ['filter', 'startIndex', 'count', 'sortBy', 'sortOrder', 'attributes', 'excludedAttributes', 'STARTINDEX', 'Count', 'unknown'];

const parameterValue = (name: string) => {
  if (/startindex|count/i.test(name)) return fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...NUMBERS) }, { weight: 1, arbitrary: fuzzString() });
  if (/filter/i.test(name)) return fuzzFilter();
  if (/sortorder/i.test(name)) return fc.oneof(fc.constantFrom('ascending', 'DESCENDING', 'up', ''), fuzzString());
  return fc.oneof(fc.constantFrom('userName', 'emails.value', 'name.givenName', 'meta.lastModified', 'members', 'unknown', 'urn:x:y', ''), fuzzString());
};

/** A query string of list parameters with odd values; names may repeat (which gives an array on the server). */
export const fuzzQuery = (): fc.Arbitrary<string> =>
  fc
    .oneof(
      { weight: 3, arbitrary: fc.array(fc.constantFrom(...NAMES).chain((name) => parameterValue(name).map((value) => [name, value] as const)), { maxLength: 4 }) },
      // One odd parameter alone, so that it is not refused for another parameter before it is looked at.
      { weight: 3, arbitrary: fc.constantFrom(...NAMES).chain((name) => parameterValue(name).map((value) => [[name, value] as const])) },
      { weight: 3, arbitrary: fuzzFilter().map((filter) => [['filter', filter] as const]) },
    )
    .map((pairs) => (pairs.length === 0 ? '' : `?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(safeUri(v))}`).join('&')}`));

/** encodeURIComponent throws on a lone surrogate; send the replacement character's bytes there instead (the server sees U+FFFD). */
function safeUri(value: string): string {
  return value.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** Raw query strings: broken percent-encoding, NUL and odd separators. */
export const rawQuery = (): fc.Arbitrary<string> => fc.constantFrom('?filter=%', '?filter=%zz', '?count=%00', '?filter=%00', '?&&&', '?=', '?filter', '?count[]=1', '?count[a]=1&count=2', '?filter=userName%20eq%20%22%ED%A0%80%22', '?startIndex=1&startIndex=2');
