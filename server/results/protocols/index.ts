// The data analysis of each protocol type, by the type's name in the spec. A new protocol: a
// handler in this folder, one entry here and the column kinds it reads in kinds.ts.
import { ccdRun } from './ccd';
import { arrheniusRun, conductivityRun } from './conductivity';
import { dcPolarisationRun } from './dcPolarisation';
import { gittRun } from './gitt';
import { symmetricCyclingRun } from './symmetricCycling';
import { ProtocolHandler } from './common';
import { cyclingRun } from './cycling';
import { eisRun } from './eis';
import { strippingRun } from './stripping';

export const PROTOCOL_HANDLERS: Record<string, ProtocolHandler> = {
  ccd: ccdRun,
  strip: strippingRun,
  sand: strippingRun,
  cycling: cyclingRun,
  rate: cyclingRun,
  eis: eisRun,
  conductivity: conductivityRun,
  arrhenius: arrheniusRun,
  gitt: gittRun,
  'symmetric-cycling': symmetricCyclingRun,
  'dc-polarisation': dcPolarisationRun,
};
