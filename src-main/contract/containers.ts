// (being written) containers methods of the API contract.
import { z } from 'zod';
import { method } from './common';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type ContainerEventMap = {};

export const containerMethods = {
};
void z; void method;
