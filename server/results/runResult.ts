// What the data side returns for a run: the files read, the problems found (each on the spec's data
// reference), and the results of the analysis its protocol calls for. Plain data: it crosses from
// the worker thread to the language server.
import type {
  ArrheniusResult, BlockingInterceptResult, ContactResult, CyclingResult, DcPolarisationResult, Estimate, GittResult, IncrementalCapacityResult,
  OhmicResult, RateResult, SandResult, ShortResult, StrippingResult, SymmetricCyclingResult,
} from '../analyses';
import type { DrtResult, FitResult, LinKKResult } from '../analyses/eis';
import { Span } from '../engine/lexer';
import type { DataTable, FormatId } from '../readers/types';
import type { LiveStatus } from './liveStatus';

export interface FileSummary { path: string; format: FormatId; technique?: string; rows: number; bytes: number; kind: 'dc' | 'eis' }

export interface DataIssue {
  /** The spec's data reference the problem belongs to (the file's own line is in `line`). */
  at: Span;
  file?: string;
  line?: number;
  message: string;
  severity: 'error' | 'warning';
}

/** One EIS spectrum: its high-frequency intercept, DRT and Lin-KK check, and with a circuit the fit. */
export interface SpectrumResult {
  file: string;
  /** Stripped capacity when the spectrum was taken (C/m²), and where it was read. */
  capacity?: number;
  capacitySource?: CapacitySource;
  /** The high-frequency intercept of the real axis. */
  result: OhmicResult;
  fit?: FitResult;
  linkk?: LinKKResult;
  drt?: DrtResult;
  /** The R_ohm used for contact retention (Ω) and how it was found: one method for all spectra of a run. */
  rOhm?: { value: number; stderr?: number; method: 'intercept' | 'fit'; upperBound?: boolean };
  /** Bode data of the spectrum and, with a fit, of the fitted model at the same frequencies. */
  bode?: { frequency: number[]; modulus: number[]; phase: number[]; fitModulus?: number[]; fitPhase?: number[] };
}

/**
 * Where a spectrum's stripped capacity comes from: the run's `stripped` list, the file's own
 * charge counter, or the eis protocol's schedule (`every X mAh/cm²`, in file-name order).
 */
export type CapacitySource = 'run' | 'file' | 'every';

/** The spectra of a run, their R_ohm by one method, and the contact retention when they lie on a capacity. */
export interface ContactOutcome {
  spectra: SpectrumResult[];
  retention?: ContactResult;
  method: 'intercept' | 'fit';
  /** Why the method differs from the one the spec asked for. */
  methodNote?: string;
  capacityFrom?: CapacitySource;
}

/** Where a spectrum's temperature comes from: its file's temperature column, the run's list, the protocol's, or the cell's (the study's). */
export type TemperatureSource = 'file' | 'run' | 'protocol' | 'cell';

/** One spectrum of an ion-blocking cell: R_b by the intercept and, with a circuit, the fit; σ = L/(R_b A). */
export interface ConductivitySpectrum {
  file: string;
  temperature?: number; // K
  temperatureFrom?: TemperatureSource;
  intercept: BlockingInterceptResult;
  fit?: FitResult;
  /** The R_b used (Ω) and how it was found: one method for all spectra of a run. */
  rB?: Estimate & { method: 'intercept' | 'fit' };
  /** σ (S/m). */
  conductivity?: Estimate;
}

/** The spectra of a conductivity or Arrhenius run. */
export interface ConductivityOutcome {
  spectra: ConductivitySpectrum[];
  method: 'intercept' | 'fit';
  /** Why the method differs from the one the spec asked for. */
  methodNote?: string;
  /** The pellet thickness L (m) and electrode area A (m²) of σ = L/(R_b A). */
  thickness?: number;
  area?: number;
}

export interface RunResult {
  run: string;
  protocol: string;
  type: string;
  cell: string;
  /** The build the cell belongs to (server/results/builds.ts aggregates by it). */
  build: string;
  anode?: string;
  files: FileSummary[];
  issues: DataIssue[];
  stripping?: (StrippingResult & { file: string })[];
  sand?: { measurements: { file: string; currentDensity: number; t0: number; reached: boolean }[]; fit: SandResult };
  ccd?: ShortResult & { file: string };
  contact?: ContactOutcome;
  cycling?: CyclingResult & { file: string };
  rate?: RateResult;
  conductivity?: ConductivityOutcome;
  arrhenius?: ArrheniusResult;
  gitt?: GittResult & { file: string };
  symmetric?: SymmetricCyclingResult & { file: string };
  dcPolarisation?: DcPolarisationResult & { file: string };
  incrementalCapacity?: IncrementalCapacityResult & { file: string };
  /** Plan against data: findings in words (current, window, cycle counts). */
  plan: string[];
  /** Files still being written: the step in progress and what the plan predicts (liveStatus.ts). */
  live?: LiveStatus[];
}

/** A data file that was read, on its way to the analysis. */
export interface Loaded { file: string; abs: string; stamp: string; at: Span; table: DataTable }
