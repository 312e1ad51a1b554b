/** `values` in slices of at most `size`: IN lists within the dialect's bound (`DialectSupport.chunks`). */
export function* listChunks<T>(values: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < values.length; i += size) yield values.slice(i, i + size);
}
