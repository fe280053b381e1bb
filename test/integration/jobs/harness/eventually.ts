export { eventually } from '../../../support/eventually.ts';
