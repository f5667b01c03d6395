import * as pulumi from '@pulumi/pulumi';
import * as snowflake from '@pulumi/snowflake';

export interface RolesArgs {
  database: snowflake.Database;
  warehouse: snowflake.Warehouse;
  readWriteRole: string;
  readOnlyRole: string;
  /** the user both roles are granted to; none when empty */
  grantee: string;
}

type Grant = Omit<snowflake.GrantPrivilegesToAccountRoleArgs, 'accountRoleName'>;

/**
 * Who may do what in the database. The read-only role reads every schema's tables and views, today's and
 * tomorrow's, on the warehouse (a query needs one) and nothing else: analysts, the dashboard. The read-write
 * role inherits it and builds: dbt creates its schemas, tables and views, uses the user-agent UDF, and
 * `./pdi load --target snowflake` writes RAW. Both are granted to SYSADMIN's hierarchy and to a user.
 */
export class Roles extends pulumi.ComponentResource {
  readonly readWrite: snowflake.AccountRole;
  readonly readOnly: snowflake.AccountRole;

  constructor(name: string, args: RolesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('pdi:snowflake:Roles', name, {}, opts);
    const parent = { parent: this };
    this.readOnly = new snowflake.AccountRole(
      `${name}-ro`,
      { name: args.readOnlyRole, comment: 'paas-data-ingestion: reads every table and view' },
      parent,
    );
    this.readWrite = new snowflake.AccountRole(
      `${name}-rw`,
      { name: args.readWriteRole, comment: 'paas-data-ingestion: loads RAW and builds the dbt models' },
      parent,
    );
    new snowflake.GrantAccountRole(
      `${name}-ro-to-rw`,
      { roleName: this.readOnly.name, parentRoleName: this.readWrite.name },
      parent,
    );
    new snowflake.GrantAccountRole(
      `${name}-rw-to-sysadmin`,
      { roleName: this.readWrite.name, parentRoleName: 'SYSADMIN' },
      parent,
    );
    if (args.grantee) {
      for (const [suffix, role] of [
        ['rw', this.readWrite],
        ['ro', this.readOnly],
      ] as const) {
        new snowflake.GrantAccountRole(
          `${name}-${suffix}-to-user`,
          { roleName: role.name, userName: args.grantee },
          parent,
        );
      }
    }

    const database = args.database.name;
    const inDatabase = (objectTypePlural: string) => ({ objectTypePlural, inDatabase: database });
    const readOnly: Record<string, Grant> = {
      database: { privileges: ['USAGE'], onAccountObject: { objectType: 'DATABASE', objectName: database } },
      warehouse: {
        privileges: ['USAGE'],
        onAccountObject: { objectType: 'WAREHOUSE', objectName: args.warehouse.name },
      },
      'all-schemas': { privileges: ['USAGE'], onSchema: { allSchemasInDatabase: database } },
      'future-schemas': { privileges: ['USAGE'], onSchema: { futureSchemasInDatabase: database } },
      'all-tables': { privileges: ['SELECT'], onSchemaObject: { all: inDatabase('TABLES') } },
      'future-tables': { privileges: ['SELECT'], onSchemaObject: { future: inDatabase('TABLES') } },
      'all-views': { privileges: ['SELECT'], onSchemaObject: { all: inDatabase('VIEWS') } },
      'future-views': { privileges: ['SELECT'], onSchemaObject: { future: inDatabase('VIEWS') } },
    };
    const schemaPrivileges = [
      'CREATE TABLE',
      'CREATE VIEW',
      'CREATE STAGE',
      'CREATE FILE FORMAT',
      'CREATE FUNCTION',
    ];
    const tablePrivileges = ['INSERT', 'UPDATE', 'DELETE', 'TRUNCATE'];
    const readWrite: Record<string, Grant> = {
      database: {
        privileges: ['CREATE SCHEMA', 'MONITOR'],
        onAccountObject: { objectType: 'DATABASE', objectName: database },
      },
      'all-schemas': { privileges: schemaPrivileges, onSchema: { allSchemasInDatabase: database } },
      'future-schemas': { privileges: schemaPrivileges, onSchema: { futureSchemasInDatabase: database } },
      'all-tables': { privileges: tablePrivileges, onSchemaObject: { all: inDatabase('TABLES') } },
      'future-tables': { privileges: tablePrivileges, onSchemaObject: { future: inDatabase('TABLES') } },
      'all-functions': { privileges: ['USAGE'], onSchemaObject: { all: inDatabase('FUNCTIONS') } },
      'future-functions': { privileges: ['USAGE'], onSchemaObject: { future: inDatabase('FUNCTIONS') } },
    };
    for (const [suffix, role, grants] of [
      ['ro', this.readOnly, readOnly],
      ['rw', this.readWrite, readWrite],
    ] as const) {
      for (const [what, grant] of Object.entries(grants)) {
        new snowflake.GrantPrivilegesToAccountRole(
          `${name}-${suffix}-${what}`,
          { accountRoleName: role.name, ...grant },
          parent,
        );
      }
    }
    this.registerOutputs({ readWriteRole: this.readWrite.name, readOnlyRole: this.readOnly.name });
  }
}
