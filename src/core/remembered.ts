// A bounded memory for hot, repetitive lookups (a word's stem, a source's reading): `compute` is called
// once per key while the memory holds it; past `max` keys the memory starts over, so it never grows
// without end and needs no bookkeeping per hit.

/** `compute`, remembering up to `max` keys (an `undefined` result is remembered too). */
export function remembered<K, V>(compute: (key: K) => V, max: number): (key: K) => V {
  const memory = new Map<K, V>();
  return (key) => {
    const known = memory.get(key);
    if (known !== undefined || memory.has(key)) return known as V;
    const value = compute(key);
    if (memory.size >= max) memory.clear();
    memory.set(key, value);
    return value;
  };
}
