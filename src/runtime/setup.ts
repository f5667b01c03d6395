import { mkdir, stat } from 'node:fs/promises';
import { homeLayout } from '../config/home.ts';

export interface SetupStep {
  name: string;
  /** True when there was nothing to do. */
  done: boolean;
}

const MIN_NODE_MAJOR = 20;

/** What the project needs beyond `npm ci`, each step idempotent. */
export async function* runSetup(home: string): AsyncGenerator<SetupStep> {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < MIN_NODE_MAJOR)
    throw new Error(`Node ${MIN_NODE_MAJOR}+ is needed, this is ${process.versions.node}`);
  yield { name: `node ${process.versions.node}`, done: true };

  const { ensurePythonEnv } = await import('../warehouse/dbt/index.ts');
  const { installed } = await ensurePythonEnv();
  yield { name: 'python environment for dbt (.venv)', done: !installed };

  const layout = homeLayout(home);
  for (const dir of [layout.home, layout.lakeDir, layout.walDir]) {
    const existed = await stat(dir).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!existed) await mkdir(dir, { recursive: true });
    yield { name: `folder ${dir}`, done: existed };
  }
}
