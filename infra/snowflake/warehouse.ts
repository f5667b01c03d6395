import * as pulumi from '@pulumi/pulumi';
import * as snowflake from '@pulumi/snowflake';

export interface WarehouseArgs {
  database: string;
  warehouse: string;
  size: string;
  autoSuspendSeconds: number;
}

/**
 * Where the data lives and what computes on it: the database, and a warehouse that costs nothing while idle
 * (created suspended, suspended again after a minute without queries, resumed by the next one).
 */
export class Warehouse extends pulumi.ComponentResource {
  readonly database: snowflake.Database;
  readonly warehouse: snowflake.Warehouse;

  constructor(name: string, args: WarehouseArgs, opts?: pulumi.ComponentResourceOptions) {
    super('pdi:snowflake:Warehouse', name, {}, opts);
    const parent = { parent: this };
    this.database = new snowflake.Database(
      name,
      { name: args.database, comment: 'paas-data-ingestion: RAW from the lake, EVENTS and STATS from dbt' },
      parent,
    );
    this.warehouse = new snowflake.Warehouse(
      name,
      {
        name: args.warehouse,
        warehouseSize: args.size,
        autoSuspend: args.autoSuspendSeconds,
        autoResume: 'true',
        initiallySuspended: true,
        comment: 'paas-data-ingestion: dbt and queries (the pipe runs on Snowflake’s own compute)',
      },
      parent,
    );
    this.registerOutputs({ database: this.database.name, warehouse: this.warehouse.name });
  }
}
