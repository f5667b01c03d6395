import { createRequire } from 'node:module';
import Ajv2020Module from 'ajv/dist/2020.js';

const require = createRequire(import.meta.url);
// ajv ships CommonJS: its class is the default export's `default`
const Ajv2020 = Ajv2020Module.default;
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true, strictRequired: false });

/** The contract's JSON Schemas, compiled: records written anywhere must pass them. */
export const validateStreamRecord = ajv.compile(require('../../src/contract/stream-record.schema.json'));
export const validateErrorRecord = ajv.compile(require('../../src/contract/error-record.schema.json'));
