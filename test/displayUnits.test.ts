// SI results shown in the field's units: factors checked against hand arithmetic from domain.md.
import { strict as assert } from 'assert';
import { formatSI, inDisplayUnits } from '../server/domain/format';

describe('results in display units', () => {
  const near = (x: { value: number; unit: string; stderr?: number }, value: number, unit: string) => {
    assert.equal(x.unit, unit);
    assert.ok(Math.abs(x.value - value) <= 1e-9 * Math.abs(value), `${x.value} ${x.unit} ≠ ${value} ${unit}`);
  };
  it('areal capacity: 6.60 mAh/cm² is 6.60 × 3.6 C / 1e-4 m² = 237,600 C/m²', () => near(inDisplayUnits({ value: 237600, unit: 'C/m²' }), 6.6, 'mAh/cm²'));
  it('specific capacity: 156.3 mAh/g is 156.3 × 3.6 C / 1e-3 kg = 562,680 C/kg', () => near(inDisplayUnits({ value: 562680, unit: 'C/kg' }), 156.3, 'mAh/g'));
  it('current density: 0.5 mA/cm² is 5e-4 A / 1e-4 m² = 5 A/m²', () => near(inDisplayUnits({ value: 5, unit: 'A/m²' }), 0.5, 'mA/cm²'));
  it('diffusivity: 9.62e-10 cm²/s is 9.62e-14 m²/s, standard error scaled alike', () => {
    const s = inDisplayUnits({ value: 9.62e-14, unit: 'm²/s', stderr: 1e-16 });
    near(s, 9.62e-10, 'cm²/s');
    assert.ok(Math.abs(s.stderr! - 1e-12) < 1e-24);
  });
  it('charge, mass, current and area', () => {
    near(inDisplayUnits({ value: 3.6, unit: 'C' }), 1, 'mAh');
    near(inDisplayUnits({ value: 5.1148e-6, unit: 'kg' }), 5.1148, 'mg');
    near(inDisplayUnits({ value: 3.181e-4, unit: 'A' }), 0.3181, 'mA');
    near(inDisplayUnits({ value: 6.362e-5, unit: 'm²' }), 0.6362, 'cm²');
  });
  it('areal resistance: 25 Ω·cm² is 25 × 1e-4 Ω·m²; conductivity: 2 mS/cm is 2e-3 S / 1e-2 m = 0.2 S/m', () => {
    near(inDisplayUnits({ value: 25e-4, unit: 'Ω·m²' }), 25, 'Ω·cm²');
    near(inDisplayUnits({ value: 0.2, unit: 'S/m' }), 2, 'mS/cm');
  });
  it('concentration: c0 of Li, 0.534 g/cm³ / 6.941 g/mol = 0.07693 mol/cm³, is 76,934 mol/m³', () => near(inDisplayUnits({ value: 534 / 6.941e-3, unit: 'mol/m³' }), 0.534 / 6.941, 'mol/cm³'));
  it('formatSI writes an SI number as the field reads it', () => {
    assert.equal(formatSI(8, 'A/m²'), '0.8 mA/cm²');
    assert.equal(formatSI(216000, 'C/m²'), '6 mAh/cm²');
    assert.equal(formatSI(9.62e-14, 'm²/s'), '9.62e-10 cm²/s');
    assert.equal(formatSI(5.115e-6, 'kg'), '5.115 mg');
    assert.equal(formatSI(8.5, 'Ω'), '8.5 Ω');
  });
  it('units without a display form pass through', () => near(inDisplayUnits({ value: 8.5, unit: 'Ω' }), 8.5, 'Ω'));
});
