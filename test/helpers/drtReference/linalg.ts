// The reference's linear algebra in one place, for the tests that compare routine with routine.
export { cholesky, forwardColumns } from './cholesky';
export { normalEquations } from './normal';
export { symmetricEigen } from './eigen';
export { nnlsQp } from './nnls';
