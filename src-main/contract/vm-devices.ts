// (being written) vm-devices methods of the API contract.
import { z } from 'zod';
import { method } from './common';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type VmDeviceEventMap = {};

export const vmDeviceMethods = {
};
void z; void method;
