// SI results shown in the field's units: factors checked against hand arithmetic from domain.md.
import { strict as assert } from 'assert';
import { inDisplayUnits } from '../server/domain/format';

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
  it('units without a display form pass through', () => near(inDisplayUnits({ value: 8.5, unit: 'Ω' }), 8.5, 'Ω'));
});
