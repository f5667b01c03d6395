// Registers tsx's loader, then runs the TypeScript CLI: `./pdi` needs no build step.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
