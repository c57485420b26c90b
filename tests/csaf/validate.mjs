// SPDX-License-Identifier: EUPL-1.2
// tests/csaf/validate.mjs: run the CSAF 2.0 strict schema test and every
// mandatory test (section 6.1) of @secvisogram/csaf-validator-lib on each
// document named on the command line; prints each failure as
// "FILE: TEST PATH MESSAGE" and exits 1 if there was any.
import { readFileSync } from 'node:fs'
import validateStrict from '@secvisogram/csaf-validator-lib/validateStrict.js'
import * as mandatory from '@secvisogram/csaf-validator-lib/mandatoryTests.js'
import { csaf_2_0_strict } from '@secvisogram/csaf-validator-lib/schemaTests.js'

const tests = [csaf_2_0_strict, ...Object.values(mandatory)]
let failed = 0
for (const file of process.argv.slice(2)) {
  const doc = JSON.parse(readFileSync(file, 'utf8'))
  const result = await validateStrict(tests, doc)
  for (const t of result.tests) {
    for (const e of t.errors) {
      console.log(`${file}: ${t.name} ${e.instancePath} ${e.message}`)
      failed++
    }
  }
  if (!result.isValid && failed === 0) {
    console.log(`${file}: not valid`)
    failed++
  }
}
console.log(`${process.argv.length - 2} documents, ${failed} failures`)
process.exit(failed > 0 ? 1 : 0)
