// Folding ranges: blocks (up to the line before their '}') and runs of comment lines.
import { SpecAnalysis } from '../engine/specAnalysis';

export interface FoldingRange { startLine: number; endLine: number; kind?: 'comment' | 'region' }

export function foldingRanges(a: SpecAnalysis): FoldingRange[] {
  const out: FoldingRange[] = [];
  const line = (o: number) => a.file.lines.position(o).line;
  const blocks = a.file.decls.flatMap((d) => [d.syntax.block, ...[...d.props.values()].map((e) => e.prop.block)]);
  for (const b of blocks) {
    if (!b) continue;
    const s = line(b.open.start), e = line(b.close?.start ?? b.end);
    // Fold up to the line before '}' so the brace stays visible.
    if (e - 1 > s) out.push({ startLine: s, endLine: e - 1 });
  }
  let run: number[] = [];
  const flush = () => { if (run.length > 1) out.push({ startLine: run[0], endLine: run[run.length - 1], kind: 'comment' }); run = []; };
  for (const c of a.file.tree.comments) {
    const l = line(c.start);
    if (run.length && l !== run[run.length - 1] + 1) flush();
    run.push(l);
  }
  flush();
  return out;
}
