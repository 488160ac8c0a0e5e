// EIS analyses: equivalent-circuit fitting in impedance.py's circuit syntax (the grammar in
// ../../domain/circuit.ts, evaluation in circuitModel.ts; fit.ts runs the stages in fit*.ts, with
// starting values from guess.ts and the optimizer in lm.ts), the Lin-KK validity test (linkk.ts),
// and the distribution of relaxation times (drt.ts and its drt*.ts stages). The linear algebra is
// ../linalg/. Pure functions of SI numbers returning Result<T> like the other analyses (../common.ts).
export type { Complex } from './complex';
export { cabs, cadd, cdiv, cinv, cmul, complex, cscale, csqrt, csub, ctanh, jomegaPow } from './complex';
export type {
  Circuit, CircuitError, CircuitNode, CircuitParse, ElementNode, ElementType, ParallelNode,
  ParameterInfo, SeriesNode,
} from '../../domain/circuit';
export { ELEMENT_PARAMETERS, parameterNames, parseCircuit } from '../../domain/circuit';
export type { CircuitEvaluator } from './circuitModel';
export { compileCircuit, finiteWarburg, impedance } from './circuitModel';
export type { FitCorrelations, FitResult, FitSpec, FitValues, FittedParameter, Weighting } from './fit';
export { fitCircuit, highFrequencyLimit } from './fit';
export { NOT_DETERMINED } from './fitVerdict';
export type { LinKKResult, LinKKSpec, LinKKValues } from './linkk';
export { linKK } from './linkk';
export type { PrepareOptions, PreparedSpectrum } from './spectrum';
export { prepareSpectrum } from './spectrum';
export * from './drt';
