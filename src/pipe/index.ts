export {
  type Lake,
  LakeAccessError,
  type LakeListing,
  type LakeObject,
  localLake,
  openLake,
} from './lake/lake.ts';
export { type BatchLoad, loadBatch, type ObjectLoad } from './load-batch.ts';
export {
  copyNewLoads,
  ensureRawSchema,
  type LoadOptions,
  type LoadSummary,
  lakeScanner,
  loadNewObjects,
  objectHourMs,
  replayLake,
} from './pipe.ts';
export { LOG_ID_NAMESPACE } from './schema.ts';
export { parseUserAgent, USER_AGENT_COLUMNS } from './user-agents.ts';
