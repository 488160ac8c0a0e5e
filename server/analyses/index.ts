// The analyses of instrument data: pure functions of SI numbers, each returning values with
// uncertainty, a one-sentence derivation, warnings and the points the preview draws.
export * from './common';
export * from './stripping';
export * from './sand';
export * from './ccd';
export * from './contact';
export * from './cycling';
export * from './planCheck';
export * from './conductivity';
export * from './arrhenius';
export * from './gitt';
export * from './symmetricCycling';
export * from './dcPolarisation';
export * from './incrementalCapacity';
