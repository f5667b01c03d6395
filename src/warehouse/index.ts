export { queryThroughControl, serveWarehouseControl } from './control.ts';
export { stageNewHits, unstageHits } from './staged-hits.ts';
export { maxTempSize, type OpenOptions, type Row, Warehouse, WarehouseError } from './warehouse.ts';
