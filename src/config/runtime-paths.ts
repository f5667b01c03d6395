import path from 'node:path';

/** The Unix socket a running `./pdi up` answers warehouse queries on. */
export function controlSocketPath(home: string): string {
  return path.join(path.resolve(home), 'warehouse.sock');
}
