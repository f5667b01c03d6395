export { loadObject, type ObjectLoad } from './load-object.ts';
export {
  ensureRawSchema,
  type LoadOptions,
  type LoadSummary,
  loadNewObjects,
  objectHourMs,
  replayLake,
} from './pipe.ts';
export { LOG_ID_NAMESPACE, uuid5MacroSql } from './schema.ts';
export { parseUserAgent, updateUserAgentLookup } from './user-agents.ts';
