// The materials of domain.md as a small library, for tests that need real figures.
export const MATERIALS = `material Li { role metal; density 0.534 g/cm³; molar-mass 6.941 g/mol; D_eff 2.99e-10 cm²/s; ccd 0.8 mA/cm² }
material LiIn { role alloy }
material Cu { role collector }
material LPSC { role electrolyte }
material NCM9 { role cathode; capacity 180 mAh/g; window 2.5 V .. 4.6 V }
material GMWNT { role carbon }
material FG { role carbon }
material PVDF { role binder }
`;
