import { strict as assert } from 'assert';
import { Dim, DIM, Unit, convert, dimName, fromSI, isUnit, parseUnit, sameDim, toSI, unitsFor } from '../server/domain/units';
import { formatEstimate, formatNumber, formatQuantity } from '../server/domain/format';

// Expected dimensions written out by hand: [length, mass, time, current, temperature, amount, c-rate].
const LENGTH: Dim = [1, 0, 0, 0, 0, 0, 0];
const AREA: Dim = [2, 0, 0, 0, 0, 0, 0];
const VOLUME: Dim = [3, 0, 0, 0, 0, 0, 0];
const MASS: Dim = [0, 1, 0, 0, 0, 0, 0];
const TIME: Dim = [0, 0, 1, 0, 0, 0, 0];
const CURRENT: Dim = [0, 0, 0, 1, 0, 0, 0];
const TEMPERATURE: Dim = [0, 0, 0, 0, 1, 0, 0];
const AMOUNT: Dim = [0, 0, 0, 0, 0, 1, 0];
const CRATE: Dim = [0, 0, 0, 0, 0, 0, 1];
const NONE: Dim = [0, 0, 0, 0, 0, 0, 0];
const VOLTAGE: Dim = [2, 1, -3, -1, 0, 0, 0];
const RESISTANCE: Dim = [2, 1, -3, -2, 0, 0, 0];
const FREQUENCY: Dim = [0, 0, -1, 0, 0, 0, 0];
const PRESSURE: Dim = [-1, 1, -2, 0, 0, 0, 0];
const POWER: Dim = [2, 1, -3, 0, 0, 0, 0];
const ENERGY: Dim = [2, 1, -2, 0, 0, 0, 0];
const CONDUCTANCE: Dim = [-2, -1, 3, 2, 0, 0, 0];
const CAPACITANCE: Dim = [-2, -1, 4, 2, 0, 0, 0];
const CHARGE: Dim = [0, 0, 1, 1, 0, 0, 0];
const CURRENT_DENSITY: Dim = [-2, 0, 0, 1, 0, 0, 0];
const AREAL_CAPACITY: Dim = [-2, 0, 1, 1, 0, 0, 0];
const SPECIFIC_CAPACITY: Dim = [0, -1, 1, 1, 0, 0, 0];

function unit(text: string): Unit {
  const u = parseUnit(text);
  if ('error' in u) throw new Error(`expected "${text}" to parse, got: ${u.error}`);
  return u;
}

function errorOf(text: string): string {
  const u = parseUnit(text);
  assert.ok('error' in u, `expected "${text}" to be rejected, got ${JSON.stringify(u)}`);
  return u.error;
}

function close(actual: number, expected: number, rel = 1e-12): void {
  const tol = rel * Math.max(Math.abs(expected), 1e-300);
  assert.ok(Math.abs(actual - expected) <= tol, `expected ${expected}, got ${actual}`);
}

/** Checks factor, dimension, offset and (optionally) canonical text of one spelling. */
function check(text: string, factor: number, dim: Dim, canonical?: string, offset = 0): void {
  const u = unit(text);
  close(u.factor, factor);
  assert.deepEqual([...u.dim], [...dim], `dimension of "${text}"`);
  assert.equal(u.offset, offset, `offset of "${text}"`);
  if (canonical !== undefined) assert.equal(u.canonical, canonical, `canonical of "${text}"`);
}

describe('units: parseUnit symbols', () => {
  const cases: [string, number, Dim, string][] = [
    ['m', 1, LENGTH, 'm'],
    ['g', 0.001, MASS, 'g'],
    ['s', 1, TIME, 's'],
    ['A', 1, CURRENT, 'A'],
    ['V', 1, VOLTAGE, 'V'],
    ['Ω', 1, RESISTANCE, 'Ω'],
    ['\u2126', 1, RESISTANCE, 'Ω'], // ohm sign
    ['ohm', 1, RESISTANCE, 'Ω'],
    ['Ohm', 1, RESISTANCE, 'Ω'],
    ['Hz', 1, FREQUENCY, 'Hz'],
    ['Pa', 1, PRESSURE, 'Pa'],
    ['mol', 1, AMOUNT, 'mol'],
    ['K', 1, TEMPERATURE, 'K'],
    ['L', 0.001, VOLUME, 'L'],
    ['W', 1, POWER, 'W'],
    ['J', 1, ENERGY, 'J'],
    ['S', 1, CONDUCTANCE, 'S'],
    ['F', 1, CAPACITANCE, 'F'],
    ['min', 60, TIME, 'min'],
    ['h', 3600, TIME, 'h'],
    ['d', 86400, TIME, 'd'],
    ['Ah', 3600, CHARGE, 'Ah'],
    ['mAh', 3.6, CHARGE, 'mAh'],
    ['µAh', 0.0036, CHARGE, 'µAh'],
    ['uAh', 0.0036, CHARGE, 'µAh'],
    ['Wh', 3600, ENERGY, 'Wh'],
    ['kWh', 3600000, ENERGY, 'kWh'],
    ['mWh', 3.6, ENERGY, 'mWh'],
    ['bar', 100000, PRESSURE, 'bar'],
    ['%', 0.01, NONE, '%'],
    ['wt%', 0.01, NONE, 'wt%'],
    ['ppm', 0.000001, NONE, 'ppm'],
    ['C', 1, CRATE, 'C'],
  ];
  for (const [text, factor, dim, canonical] of cases) {
    it(`"${text}" = ${factor} SI, canonical "${canonical}"`, () => check(text, factor, dim, canonical));
  }

  it('°C, degC and ℃ are Celsius with offset 273.15', () => {
    for (const t of ['°C', 'degC', '℃']) check(t, 1, TEMPERATURE, '°C', 273.15);
  });

  it('keeps the text as written', () => {
    assert.equal(unit('mA h/cm2').text, 'mA h/cm2');
  });
});

describe('units: prefixes', () => {
  const onMetre: [string, number, string][] = [
    ['pm', 1e-12, 'pm'], ['nm', 1e-9, 'nm'], ['µm', 1e-6, 'µm'], ['um', 1e-6, 'µm'], ['\u03bcm', 1e-6, 'µm'],
    ['mm', 1e-3, 'mm'], ['cm', 1e-2, 'cm'], ['dm', 0.1, 'dm'], ['km', 1e3, 'km'], ['Mm', 1e6, 'Mm'], ['Gm', 1e9, 'Gm'],
  ];
  for (const [text, factor, canonical] of onMetre) {
    it(`"${text}" = ${factor} m`, () => check(text, factor, LENGTH, canonical));
  }

  it('canonical micro is U+00B5 whichever of µ, μ (U+03BC), u is written', () => {
    for (const t of ['\u00b5s', '\u03bcs', 'us']) assert.equal(unit(t).canonical, '\u00b5s');
  });

  it('prefixes every prefixable symbol', () => {
    check('kg', 1, MASS, 'kg');
    check('mg', 1e-6, MASS, 'mg');
    check('µg', 1e-9, MASS, 'µg');
    check('ms', 1e-3, TIME, 'ms');
    check('Ms', 1e6, TIME, 'Ms');
    check('mA', 1e-3, CURRENT, 'mA');
    check('nA', 1e-9, CURRENT, 'nA');
    check('mV', 1e-3, VOLTAGE, 'mV');
    check('kV', 1e3, VOLTAGE, 'kV');
    check('mΩ', 1e-3, RESISTANCE, 'mΩ');
    check('kohm', 1e3, RESISTANCE, 'kΩ');
    check('MOhm', 1e6, RESISTANCE, 'MΩ');
    check('kHz', 1e3, FREQUENCY, 'kHz');
    check('MHz', 1e6, FREQUENCY, 'MHz');
    check('mHz', 1e-3, FREQUENCY, 'mHz');
    check('MPa', 1e6, PRESSURE, 'MPa');
    check('kPa', 1e3, PRESSURE, 'kPa');
    check('GPa', 1e9, PRESSURE, 'GPa');
    check('mmol', 1e-3, AMOUNT, 'mmol');
    check('mK', 1e-3, TEMPERATURE, 'mK');
    check('mL', 1e-6, VOLUME, 'mL');
    check('µL', 1e-9, VOLUME, 'µL');
    check('dL', 1e-4, VOLUME, 'dL');
    check('mW', 1e-3, POWER, 'mW');
    check('kJ', 1e3, ENERGY, 'kJ');
    check('mS', 1e-3, CONDUCTANCE, 'mS');
    check('pF', 1e-12, CAPACITANCE, 'pF');
    check('GW', 1e9, POWER, 'GW');
    check('cs', 1e-2, TIME, 'cs');
  });

  it('prefers the unprefixed reading: m, min, mol, Pa, h, d', () => {
    check('m', 1, LENGTH);
    check('min', 60, TIME);
    check('mol', 1, AMOUNT);
    check('Pa', 1, PRESSURE);
    check('h', 3600, TIME);
    check('d', 86400, TIME);
  });

  it('is case-sensitive: ms is millisecond, mS millisiemens, Ms megasecond', () => {
    assert.deepEqual([...unit('ms').dim], [...TIME]);
    assert.deepEqual([...unit('mS').dim], [...CONDUCTANCE]);
    close(unit('Ms').factor, 1e6);
  });

  it('rejects prefixes on min, h, d, bar, °C, %, wt%, ppm', () => {
    for (const t of ['kmin', 'mh', 'kh', 'cd', 'kbar', 'm°C', 'm%', 'kppm']) {
      assert.match(errorOf(t), new RegExp(`unknown unit "${t}".*takes no prefix`));
    }
  });

  it('rejects prefixed C: coulomb is not supported', () => {
    for (const t of ['mC', 'kC', 'µC', 'nC']) {
      const e = errorOf(t);
      assert.match(e, new RegExp(`"${t}"`));
      assert.match(e, /coulomb is not supported/);
    }
  });
});

describe('units: products, quotients, powers', () => {
  it('current density in every spelling = 10 A/m² per mA/cm²', () => {
    for (const t of ['mA/cm²', 'mA/cm2', 'mA/cm^2', ' mA / cm2 ', 'mA/cm^+2']) check(t, 10, CURRENT_DENSITY, 'mA/cm²');
    check('mA cm-2', 10, CURRENT_DENSITY, 'mA·cm⁻²');
    check('mA·cm⁻²', 10, CURRENT_DENSITY, 'mA·cm⁻²');
    check('mA cm^-2', 10, CURRENT_DENSITY, 'mA·cm⁻²');
    check('µA/cm²', 0.01, CURRENT_DENSITY, 'µA/cm²');
    check('A/m2', 1, CURRENT_DENSITY, 'A/m²');
  });

  it('areal capacity: mA h, mA·h, mA*h, mA.h, mAh all give mAh/cm² = 36000 A·s/m²', () => {
    // 1 mAh = 1e-3 A * 3600 s = 3.6 A·s; 1 cm² = 1e-4 m²; 3.6 / 1e-4 = 36000.
    for (const t of ['mAh/cm²', 'mA h/cm²', 'mA·h/cm2', 'mAh/cm^2', 'mA*h/cm2', 'mA.h/cm2', 'mA⋅h/cm²', 'mA  h/cm2']) {
      check(t, 36000, AREAL_CAPACITY, 'mAh/cm²');
    }
  });

  it('joins W h to Wh, leaves h·mA alone', () => {
    assert.equal(unit('kW h').canonical, 'kWh');
    assert.equal(unit('h mA').canonical, 'h·mA');
    assert.equal(unit('A h^2').canonical, 'A·h²');
  });

  it('specific capacity: mAh/g = 3600 A·s/kg', () => {
    // 3.6 A·s / 1e-3 kg = 3600
    check('mAh/g', 3600, SPECIFIC_CAPACITY, 'mAh/g');
    check('mAh g-1', 3600, SPECIFIC_CAPACITY, 'mAh·g⁻¹');
    check('Ah/kg', 3600, SPECIFIC_CAPACITY, 'Ah/kg');
  });

  it('a/b/c = a/(b·c), and a/b·c = a/(b·c)', () => {
    const molarEnergyPerK: Dim = [2, 1, -2, 0, -1, -1, 0];
    check('J/mol/K', 1, molarEnergyPerK, 'J/mol·K');
    check('J/mol·K', 1, molarEnergyPerK, 'J/mol·K');
    check('J/mol K', 1, molarEnergyPerK, 'J/mol·K');
    // mAh / (cm² · h) = 3.6 / (1e-4 * 3600) = 10 A/m²
    check('mAh/cm2/h', 10, CURRENT_DENSITY, 'mAh/cm²·h');
  });

  it('powers: ^n, trailing digits, superscripts, negative', () => {
    check('cm3', 1e-6, VOLUME, 'cm³');
    check('cm^3', 1e-6, VOLUME, 'cm³');
    check('cm³', 1e-6, VOLUME, 'cm³');
    check('mm²', 1e-6, AREA, 'mm²');
    check('s⁻¹', 1, FREQUENCY, 's⁻¹');
    check('s^-1', 1, FREQUENCY, 's⁻¹');
    check('s-1', 1, FREQUENCY, 's⁻¹');
    check('h⁻¹', 1 / 3600, FREQUENCY, 'h⁻¹');
    check('m^10', 1, [10, 0, 0, 0, 0, 0, 0], 'm¹⁰');
    check('cm^-1/s', 100, [-1, 0, -1, 0, 0, 0, 0], 'cm⁻¹/s');
  });

  it('1/x is allowed as a numerator of one', () => {
    check('1/h', 1 / 3600, FREQUENCY, '1/h');
    check('1/s', 1, FREQUENCY, '1/s');
  });

  it('common battery compounds', () => {
    check('Ω·cm²', 1e-4, [4, 1, -3, -2, 0, 0, 0], 'Ω·cm²');
    check('ohm cm2', 1e-4, [4, 1, -3, -2, 0, 0, 0], 'Ω·cm²');
    check('g/cm³', 1000, [-3, 1, 0, 0, 0, 0, 0], 'g/cm³');
    check('mg/cm2', 0.01, [-2, 1, 0, 0, 0, 0, 0], 'mg/cm²'); // 1e-6 kg / 1e-4 m²
    check('g/mol', 0.001, [0, 1, 0, 0, 0, -1, 0], 'g/mol');
    check('cm²/s', 1e-4, [2, 0, -1, 0, 0, 0, 0], 'cm²/s');
    check('mol/L', 1000, [-3, 0, 0, 0, 0, 1, 0], 'mol/L');
    check('mol/cm3', 1e6, [-3, 0, 0, 0, 0, 1, 0], 'mol/cm³');
    check('mS/cm', 0.1, [-3, -1, 3, 2, 0, 0, 0], 'mS/cm'); // 1e-3 S / 1e-2 m
    check('kJ/mol', 1000, [2, 1, -2, 0, 0, -1, 0], 'kJ/mol');
    check('mA/g', 1, [0, -1, 0, 1, 0, 0, 0], 'mA/g');
    check('Wh/kg', 3600, [2, 0, -2, 0, 0, 0, 0], 'Wh/kg');
    check('C/h', 1 / 3600, [0, 0, -1, 0, 0, 0, 1], 'C/h');
  });

  it('°C inside a compound is a temperature difference (no offset)', () => {
    check('mV/°C', 0.001, [2, 1, -3, -1, -1, 0, 0], 'mV/°C', 0);
    check('°C^2', 1, [0, 0, 0, 0, 2, 0, 0], '°C²', 0);
  });

  it('canonical text parses back to the same unit', () => {
    for (const t of ['mA h/cm2', 'ohm cm2', 'uAh/cm^2', 'J/mol/K', 'mA cm-2', '1/h', 'degC', 'μm', 'kW h']) {
      const u = unit(t);
      const again = unit(u.canonical);
      assert.equal(again.canonical, u.canonical);
      assert.equal(again.factor, u.factor);
      assert.equal(again.offset, u.offset);
      assert.deepEqual([...again.dim], [...u.dim]);
    }
  });
});

describe('units: errors and isUnit', () => {
  it('names the unknown part', () => {
    assert.equal(errorOf('mAx'), 'unknown unit "mAx"');
    assert.equal(errorOf('mA/cmx'), 'unknown unit "cmx"');
    assert.equal(errorOf('xyz'), 'unknown unit "xyz"');
    assert.equal(errorOf('T'), 'unknown unit "T"');
    assert.equal(errorOf('P'), 'unknown unit "P"');
    assert.equal(errorOf('cm^'), 'unknown unit "cm^"');
    assert.equal(errorOf('wt'), 'unknown unit "wt"');
  });

  it('rejects empty units and empty factors', () => {
    assert.equal(errorOf(''), 'empty unit');
    assert.equal(errorOf('   '), 'empty unit');
    assert.match(errorOf('mA/'), /missing unit factor/);
    assert.match(errorOf('/cm2'), /missing unit factor/);
    assert.match(errorOf('mA//cm2'), /missing unit factor/);
    assert.match(errorOf('mA··h'), /missing unit factor/);
  });

  it('accepts a bare 1 only as a numerator', () => {
    assert.equal(errorOf('1'), 'unknown unit "1"');
    assert.equal(errorOf('h/1'), 'unknown unit "1"');
    assert.equal(errorOf('1 h'), 'unknown unit "1"');
  });

  it('isUnit', () => {
    for (const t of ['µm', 'mA/cm²', 'mA h/cm²', '°C', 'wt%', 'C', 'MPa']) assert.ok(isUnit(t), t);
    for (const t of ['', 'mC', 'mAx', 'at', 'for', 'cd', 'Li', 'LNT10F']) assert.ok(!isUnit(t), t);
  });
});

describe('units: conversions', () => {
  it('1 mAh = 3.6 A·s', () => close(convert(1, unit('mAh'), unit('A s')), 3.6));
  it('1 mA/cm² = 10 A/m²', () => close(convert(1, unit('mA/cm²'), unit('A/m2')), 10));
  it('25 °C = 298.15 K and back', () => {
    close(toSI(25, unit('°C')), 298.15);
    close(convert(25, unit('°C'), unit('K')), 298.15);
    close(fromSI(298.15, unit('°C')), 25);
    close(convert(0, unit('K'), unit('degC')), -273.15);
    close(convert(25, unit('°C'), unit('℃')), 25);
  });
  it('0.534 g/cm³ = 534 kg/m³', () => close(convert(0.534, unit('g/cm³'), unit('kg/m3')), 534));
  it('9.62e-10 cm²/s = 9.62e-14 m²/s', () => close(convert(9.62e-10, unit('cm²/s'), unit('m^2/s')), 9.62e-14));
  it('180 mAh/g = 648000 A·s/kg', () => close(convert(180, unit('mAh/g'), unit('A·s/kg')), 648000));
  it('everyday conversions', () => {
    close(convert(5, unit('MPa'), unit('bar')), 50);
    close(convert(1, unit('h'), unit('min')), 60);
    close(convert(1, unit('d'), unit('h')), 24);
    close(convert(15, unit('µm'), unit('mm')), 0.015);
    close(convert(67, unit('wt%'), unit('%')), 67);
    close(convert(67, unit('wt%'), unit('ppm')), 670000);
    close(convert(1, unit('kWh'), unit('J')), 3.6e6);
    close(convert(1, unit('mol/L'), unit('mol/cm3')), 0.001);
    close(convert(10.31, unit('mAh/cm2'), unit('µAh/cm²')), 10310);
    close(convert(8.5, unit('ohm'), unit('mΩ')), 8500);
  });
  it('toSI / fromSI use factor and offset', () => {
    close(toSI(0.5, unit('mA/cm²')), 5);
    close(fromSI(5, unit('mA/cm²')), 0.5);
    close(toSI(50, unit('µm')), 5e-5);
  });
  it('throws when dimensions differ, naming both', () => {
    assert.throws(() => convert(1, unit('mA'), unit('V')), /mA \(current\).*V \(voltage\)/);
    assert.throws(() => convert(1, unit('C'), unit('1/h')), /C-rate/);
  });
  it('study figures: Li inventory of 50 µm foil, c0 of Li, area of a 9 mm disc', () => {
    // 50e-6 m * 534 kg/m³ / 6.941e-3 kg/mol * 96485.332 C/mol = 371 151 A·s/m² = 10.31 mAh/cm²
    const inventory = ((50e-6 * 534) / 6.941e-3) * 96485.332;
    assert.equal(formatQuantity(inventory, 'mAh/cm²'), '10.31 mAh/cm²');
    // 534 kg/m³ / 6.941e-3 kg/mol = 76934 mol/m³ = 0.07693 mol/cm³
    assert.equal(formatQuantity(534 / 6.941e-3, 'mol/cm³'), '0.07693 mol/cm³');
    // π (4.5e-3 m)² = 6.3617e-5 m² = 0.6362 cm²
    assert.equal(formatQuantity(Math.PI * 4.5e-3 ** 2, 'cm²'), '0.6362 cm²');
  });
});

describe('units: sameDim, DIM, dimName', () => {
  it('sameDim compares exponents', () => {
    assert.ok(sameDim(unit('mA/cm²').dim, unit('A/m2').dim));
    assert.ok(sameDim(unit('Hz').dim, unit('1/s').dim));
    assert.ok(!sameDim(unit('mA').dim, unit('mAh').dim));
    assert.ok(!sameDim(unit('C').dim, unit('1/h').dim)); // C-rate is its own base dimension
  });

  it('DIM entries match hand-written exponents', () => {
    const expected: { [k: string]: Dim } = {
      dimensionless: NONE, length: LENGTH, area: AREA, volume: VOLUME, mass: MASS, time: TIME, current: CURRENT,
      currentDensity: CURRENT_DENSITY, charge: CHARGE, arealCapacity: AREAL_CAPACITY,
      specificCapacity: SPECIFIC_CAPACITY, voltage: VOLTAGE, resistance: RESISTANCE, pressure: PRESSURE,
      temperature: TEMPERATURE, density: [-3, 1, 0, 0, 0, 0, 0], molarMass: [0, 1, 0, 0, 0, -1, 0], amount: AMOUNT,
      diffusivity: [2, 0, -1, 0, 0, 0, 0], frequency: FREQUENCY, cRate: CRATE, massLoading: [-2, 1, 0, 0, 0, 0, 0],
      concentration: [-3, 0, 0, 0, 0, 1, 0],
    };
    for (const k of Object.keys(expected)) {
      assert.ok(DIM[k], `DIM.${k} exists`);
      assert.deepEqual([...DIM[k]], [...expected[k]], `DIM.${k}`);
    }
  });

  const names: [string, string][] = [
    ['%', 'dimensionless'], ['µm', 'length'], ['cm²', 'area'], ['mL', 'volume'], ['mg', 'mass'], ['h', 'time'],
    ['mA', 'current'], ['mA/cm²', 'current density'], ['mAh', 'charge'], ['mAh/cm²', 'areal capacity'],
    ['mAh/g', 'specific capacity'], ['V', 'voltage'], ['Ω', 'resistance'], ['MPa', 'pressure'], ['bar', 'pressure'],
    ['°C', 'temperature'], ['K', 'temperature'], ['g/cm³', 'density'], ['g/mol', 'molar mass'], ['mol', 'amount'],
    ['cm²/s', 'diffusion coefficient'], ['Hz', 'frequency'], ['1/s', 'frequency'], ['C', 'C-rate'],
    ['mg/cm²', 'mass loading'], ['Ω cm²', 'areal resistance'], ['mol/L', 'concentration'], ['S/cm', 'conductivity'],
    ['Wh', 'energy'], ['mW', 'power'], ['kJ/mol', 'molar energy'], ['mA/g', 'specific current'], ['µF', 'capacitance'],
    ['mS', 'conductance'], ['Wh/kg', 'specific energy'],
  ];
  for (const [text, name] of names) {
    it(`dimName(${text}) = "${name}"`, () => assert.equal(dimName(unit(text).dim), name));
  }

  it('dimName falls back to an SI expression', () => {
    assert.equal(dimName([3, 0, -1, 0, 0, 0, 0]), 'm³·s⁻¹');
    assert.equal(dimName([2, 1, -4, -1, 0, 0, 0]), 'm²·kg·s⁻⁴·A⁻¹');
    assert.equal(dimName([0, 0, -1, 0, 0, 0, 1]), 's⁻¹·C');
    assert.equal(dimName(unit('mol/K').dim), 'K⁻¹·mol');
  });
});

describe('units: formatNumber', () => {
  const cases: [number, string][] = [
    [10.3098, '10.31'], [0.636173, '0.6362'], [1.5, '1.5'], [1.50000001, '1.5'], [10, '10'], [148.1, '148.1'],
    [9.62e-10, '9.62e-10'], [-9.62e-14, '-9.62e-14'], [0, '0'], [-0, '0'], [-0.4, '-0.4'], [0.001, '0.001'],
    [0.00099, '9.9e-4'], [0.00099996, '0.001'], [0.0009999, '9.999e-4'], [123456, '123500'], [999999.9, '1e6'], [1234567, '1.235e6'],
    [12345678, '1.235e7'], [6.02214076e23, '6.022e23'], [648000, '648000'], [96485.332, '96490'],
    [NaN, 'NaN'], [Infinity, 'Infinity'], [-Infinity, '-Infinity'],
  ];
  for (const [x, s] of cases) it(`formatNumber(${x}) = "${s}"`, () => assert.equal(formatNumber(x), s));

  it('takes a number of significant digits', () => {
    assert.equal(formatNumber(3.14159, 2), '3.1');
    assert.equal(formatNumber(3.14159, 6), '3.14159');
    assert.equal(formatNumber(2.6e-7, 1), '3e-7');
    assert.equal(formatNumber(96485.332, 8), '96485.332');
  });
});

describe('units: formatQuantity', () => {
  it('formats an SI value in the given unit', () => {
    assert.equal(formatQuantity(0.5e-3 * 1e4, 'mA/cm²'), '0.5 mA/cm²');
    assert.equal(formatQuantity(298.15, '°C'), '25 °C');
    assert.equal(formatQuantity(5e6, 'MPa'), '5 MPa');
    assert.equal(formatQuantity(9.62e-14, 'cm²/s'), '9.62e-10 cm²/s');
    assert.equal(formatQuantity(0.953, '%'), '95.3 %');
    assert.equal(formatQuantity(15e-6, 'µm'), '15 µm');
  });
  it('shows the canonical spelling', () => {
    assert.equal(formatQuantity(5, 'mA/cm2'), '0.5 mA/cm²');
    assert.equal(formatQuantity(6 * 36000, 'mA h/cm2'), '6 mAh/cm²');
    assert.equal(formatQuantity(1.5e-6, 'um'), '1.5 µm');
  });
  it('throws on an unknown unit', () => {
    assert.throws(() => formatQuantity(1, 'mAx'), /unknown unit "mAx"/);
  });
});

describe('units: unitsFor', () => {
  it('gives the common spellings, most common first', () => {
    assert.deepEqual(unitsFor(DIM.currentDensity), ['mA/cm²', 'µA/cm²', 'A/cm²']);
    assert.deepEqual(unitsFor(DIM.length), ['µm', 'mm', 'cm', 'nm']);
    assert.deepEqual(unitsFor(DIM.area), ['cm²', 'mm²']);
    assert.deepEqual(unitsFor(DIM.time), ['h', 'min', 's']);
    assert.deepEqual(unitsFor(DIM.voltage), ['V', 'mV']);
    assert.deepEqual(unitsFor(DIM.pressure), ['MPa', 'kPa', 'bar']);
    assert.deepEqual(unitsFor(DIM.temperature), ['°C', 'K']);
    assert.equal(unitsFor(DIM.arealCapacity)[0], 'mAh/cm²');
    assert.equal(unitsFor(DIM.specificCapacity)[0], 'mAh/g');
    assert.equal(unitsFor(DIM.diffusivity)[0], 'cm²/s');
    assert.equal(unitsFor(DIM.massLoading)[0], 'mg/cm²');
    assert.equal(unitsFor(DIM.cRate)[0], 'C');
    assert.equal(unitsFor(DIM.dimensionless)[0], '%');
  });

  it('every suggestion parses, is canonical, and has the asked dimension', () => {
    for (const k of Object.keys(DIM)) {
      const list = unitsFor(DIM[k]);
      assert.ok(list.length > 0, `unitsFor(DIM.${k}) is empty`);
      for (const t of list) {
        const u = unit(t);
        assert.ok(sameDim(u.dim, DIM[k]), `${t} is not ${k}`);
        assert.equal(u.canonical, t);
      }
    }
  });

  it('returns [] for an unusual dimension and a fresh array each time', () => {
    assert.deepEqual(unitsFor([3, 0, -1, 0, 0, 0, 0]), []);
    const a = unitsFor(DIM.length);
    a.push('x');
    assert.deepEqual(unitsFor(DIM.length), ['µm', 'mm', 'cm', 'nm']);
  });
});

describe('units: the toolkit\'s (conductivity, activation energy, area-specific resistance)', () => {
  const CONDUCTIVITY: Dim = [-3, -1, 3, 2, 0, 0, 0];
  const AREAL_RESISTANCE: Dim = [4, 1, -3, -2, 0, 0, 0];

  it('eV is the electronvolt, 1.602176634e-19 J exactly, with prefixes (meV)', () => {
    check('eV', 1.602176634e-19, ENERGY, 'eV');
    check('meV', 1.602176634e-22, ENERGY, 'meV');
    close(convert(0.3, unit('eV'), unit('J')), 0.3 * 1.602176634e-19);
  });

  it('S/cm and mS/cm are conductivities: 1 mS/cm = 0.1 S/m', () => {
    check('mS/cm', 0.1, CONDUCTIVITY, 'mS/cm');
    check('S/cm', 100, CONDUCTIVITY, 'S/cm');
    assert.equal(dimName(unit('mS/cm').dim), 'conductivity');
  });

  it('Ω·cm² is an areal resistance: 1 Ω·cm² = 1e-4 Ω·m²', () => {
    check('Ω·cm²', 1e-4, AREAL_RESISTANCE, 'Ω·cm²');
    check('ohm cm2', 1e-4, AREAL_RESISTANCE, 'Ω·cm²');
  });

  it('results show σ in mS/cm, ASR in Ω·cm², E_a in eV, dQ/dV in mAh/g/V', () => {
    assert.equal(formatEstimate({ value: 0.25, unit: 'S/m', stderr: 0.001 }), '2.5 ± 0.01 mS/cm');
    assert.equal(formatEstimate({ value: 0.0025, unit: 'Ω·m²' }), '25 Ω·cm²');
    assert.equal(formatEstimate({ value: 0.29, unit: 'eV', stderr: 0.004 }), '0.29 ± 0.004 eV');
    assert.equal(formatEstimate({ value: 3600 * 1000, unit: 'C/kg/V' }), '1000 mAh/g/V');
    assert.equal(formatQuantity(1e-7, 'S/cm'), '1e-9 S/cm');
  });
});
