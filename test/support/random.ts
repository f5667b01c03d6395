export { type Random, seededRandom } from '../../src/dataset/random.ts';
