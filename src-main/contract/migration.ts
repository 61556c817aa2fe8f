// (being written) migration methods of the API contract.
import { z } from 'zod';
import { method } from './common';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type MigrationEventMap = {};

export const migrationMethods = {
};
void z; void method;
