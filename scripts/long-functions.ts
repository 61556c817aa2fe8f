// Lists functions longer than 150 lines in src-main (the limit docs/where-does-x-go.md asks for): npx tsx scripts/long-functions.ts
import ts from 'typescript';
import fs from 'node:fs';
import path from 'node:path';
const out: [number, string][] = [];
function walk(d: string) { for (const f of fs.readdirSync(d)) { const p = path.join(d, f); if (fs.statSync(p).isDirectory()) walk(p); else if (p.endsWith('.ts')) check(p); } }
function check(p: string) {
  const src = ts.createSourceFile(p, fs.readFileSync(p, 'utf8'), ts.ScriptTarget.Latest, true);
  const visit = (n: ts.Node) => {
    if (ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n) || ts.isArrowFunction(n) || ts.isFunctionExpression(n)) {
      const a = src.getLineAndCharacterOfPosition(n.getStart()).line, b = src.getLineAndCharacterOfPosition(n.getEnd()).line;
      if (b - a > 150) out.push([b - a, `${p}:${a + 1} ${(n as ts.FunctionDeclaration).name?.getText() ?? ''}`]);
    }
    ts.forEachChild(n, visit);
  };
  visit(src);
}
walk('src-main');
for (const [n, w] of out.sort((x, y) => y[0] - x[0])) console.log(n, w);
