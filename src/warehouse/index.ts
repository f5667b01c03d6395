export { type OpenOptions, type Row, Warehouse, WarehouseError } from './warehouse.ts';
