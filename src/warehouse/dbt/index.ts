export { ensurePythonEnv, ensureVirtualEnv, PROJECT_ROOT, type PythonEnv } from './python-env.ts';
export { type DbtRun, dbtBuildArgs, runDbt } from './run-dbt.ts';
