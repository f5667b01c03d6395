export { queryThroughControl, serveWarehouseControl } from './control.ts';
export { maxTempSize, type OpenOptions, type Row, Warehouse, WarehouseError } from './warehouse.ts';
