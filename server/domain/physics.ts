// The equations of ../shared/domain.md, in SI units throughout. Pure functions, no I/O.

/** Faraday constant, C/mol (domain.md). */
export const FARADAY = 96485.332;

/** Li metal (domain.md): 0.534 g/cm³ and 6.941 g/mol, in SI (kg/m³, kg/mol). */
export const LITHIUM = { density: 534, molarMass: 6.941e-3 };

/** Area of a disc of diameter d: π d²/4. */
export function discArea(diameter: number): number {
  return (Math.PI * diameter * diameter) / 4;
}

/** Initial Li concentration c0 = density / molar mass (mol/m³). */
export function concentration(density: number, molarMass: number): number {
  return density / molarMass;
}

/** Areal charge of a metal foil: thickness · density / M · F (C/m²). */
export function foilInventory(thickness: number, density: number, molarMass: number): number {
  return (thickness * density / molarMass) * FARADAY;
}

/** Sand's equation solved for the depletion time: t0 = (c0 F √(π D) / (2 i))² (s). */
export function sandTime(c0: number, diffusivity: number, currentDensity: number): number {
  return ((c0 * FARADAY * Math.sqrt(Math.PI * diffusivity)) / (2 * currentDensity)) ** 2;
}

/** Areal capacity of a cathode: loading · active fraction · specific capacity (C/m²). */
export function cathodeCapacity(loading: number, activeFraction: number, specificCapacity: number): number {
  return loading * activeFraction * specificCapacity;
}

/** Current density of a C-rate: rate (per hour) · areal capacity (A/m²). */
export function cRateCurrent(rate: number, arealCapacity: number): number {
  return (rate * arealCapacity) / 3600;
}

/** Duration of n full cycles (charge + discharge) at a C-rate, ignoring rests (s). */
export function cyclingTime(cycles: number, rate: number): number {
  return rate > 0 ? (cycles * 2 * 3600) / rate : Infinity;
}

/** Number of steps of a current ramp from start to until (inclusive), each `step` apart. */
export function rampSteps(start: number, step: number, until: number): number {
  if (step <= 0 || until < start) return 1;
  // The small epsilon keeps 0.1 + 29 × 0.1 = 3.0 from rounding to 29 steps.
  return Math.floor((until - start) / step + 1e-9) + 1;
}

/**
 * Time to sweep an EIS spectrum, counting one period per frequency (s). A lower bound. The n
 * frequencies are log-spaced from hi down to lo, so the periods form a geometric series with
 * ratio q = (hi/lo)^(1/(n−1)): Σ 1/f = (1/hi) (qⁿ − 1)/(q − 1), summed in closed form (a sweep of
 * 35 million points per decade costs what 10 do), with expm1 so that q near 1 loses nothing.
 */
export function eisSweepTime(fHigh: number, fLow: number, pointsPerDecade: number): number {
  const hi = Math.max(fHigh, fLow), lo = Math.min(fHigh, fLow);
  if (!(lo > 0) || !Number.isFinite(hi)) return Infinity;
  const decades = Math.log10(hi / lo);
  const n = Math.max(1, Math.round(decades * pointsPerDecade) + 1);
  if (!Number.isFinite(n)) return Infinity;
  if (n === 1) return 1 / hi;
  const lnq = (decades * Math.LN10) / (n - 1);
  return Math.expm1(n * lnq) / Math.expm1(lnq) / hi;
}

// ---------------------------------------------------------------------------------------------
// The wider solid-state toolkit (domain.md, "The wider solid-state toolkit")

/** Boltzmann constant in eV/K (domain.md). */
export const BOLTZMANN_EV = 8.617333e-5;

/** One electronvolt in joules (exact): E_a in a spec is read in J, the field writes it in eV. */
export const ELECTRONVOLT = 1.602176634e-19;

/** 25 °C in kelvin: the reference temperature of conductivities. */
export const ROOM_TEMPERATURE = 298.15;

/** Typical figures of argyrodite Li6PS5Cl at 25 °C (domain.md): σ 1–4 mS/cm (in S/m), E_a 0.2–0.35 eV. */
export const ARGYRODITE = { formula: 'Li6PS5Cl', conductivity: [0.1, 0.4] as const, activationEnergy: [0.2, 0.35] as const };

/** Ionic (or electronic) conductivity of a pellet: σ = L / (R A) (S/m). */
export function pelletConductivity(thickness: number, resistance: number, area: number): number {
  return thickness / (resistance * area);
}

/** The resistance a pellet of conductivity σ shows: R = L / (σ A) (Ω). */
export function pelletResistance(thickness: number, conductivity: number, area: number): number {
  return thickness / (conductivity * area);
}

/** Electronic conductivity by DC polarisation (Hebb–Wagner): σ_e = L I_ss / (V A) (S/m). */
export function electronicConductivity(thickness: number, steadyCurrent: number, voltage: number, area: number): number {
  return (thickness * steadyCurrent) / (voltage * area);
}

/** Which quantity an Arrhenius fit takes the logarithm of: σ·T (domain.md) or σ. */
export type ArrheniusForm = 'sigma-T' | 'sigma';

/**
 * σ at T from σ at T_ref and E_a (eV): σT = A exp(−E_a/(k_B T)) (form sigma-T), or
 * σ = A exp(−E_a/(k_B T)) (form sigma).
 */
export function arrheniusConductivity(sigmaRef: number, tRef: number, activationEnergy: number, t: number, form: ArrheniusForm = 'sigma-T'): number {
  const boltzmann = Math.exp((-activationEnergy / BOLTZMANN_EV) * (1 / t - 1 / tRef));
  return form === 'sigma-T' ? (sigmaRef * tRef * boltzmann) / t : sigmaRef * boltzmann;
}

/**
 * Weppner–Huggins (GITT): D = 4 / (π τ) · L² · (ΔE_s / ΔE_t)² (m²/s), τ the pulse length, L the
 * diffusion length, ΔE_s the change of the relaxed voltage across the step, ΔE_t the change during
 * the pulse without the IR drop. Valid for τ ≪ L²/D.
 */
export function weppnerHuggins(tau: number, length: number, dEs: number, dEt: number): number {
  return (4 / (Math.PI * tau)) * length * length * (dEs / dEt) ** 2;
}

/** Duration of a half-cycle that passes an areal capacity at a current density: Q / i (s). */
export function halfCycleTime(arealCapacity: number, currentDensity: number): number {
  return currentDensity > 0 ? arealCapacity / currentDensity : Infinity;
}
