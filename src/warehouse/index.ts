export { queryThroughControl, serveWarehouseControl } from './control.ts';
export { type OpenOptions, type Row, Warehouse, WarehouseError } from './warehouse.ts';
