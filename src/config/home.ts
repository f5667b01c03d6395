import path from 'node:path';

/** Where each part keeps its files inside a home folder (`--home DIR`, `PDI_HOME`). */
export interface HomeLayout {
  home: string;
  /** The lake: `stream_data/` and `stream_errors/` objects, as S3 would hold them. */
  lakeDir: string;
  /** The stream's write-ahead logs, outside the lake so that lake readers never see them. */
  walDir: string;
  /** The DuckDB warehouse file. */
  warehousePath: string;
}

export function homeLayout(home: string): HomeLayout {
  const root = path.resolve(home);
  return {
    home: root,
    lakeDir: path.join(root, 'lake'),
    walDir: path.join(root, 'wal'),
    warehousePath: path.join(root, 'warehouse.duckdb'),
  };
}
