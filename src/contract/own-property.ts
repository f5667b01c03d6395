/**
 * Sets `record[name] = value` as an own property, whatever the name: `__proto__` too is a name like any other
 * (a parameter or a header), not the object's prototype.
 */
export function setOwn(record: Record<string, string>, name: string, value: string): void {
  if (name === '__proto__')
    Object.defineProperty(record, name, { value, enumerable: true, writable: true, configurable: true });
  else record[name] = value;
}
