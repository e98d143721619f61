// node_heap: a JavaScript heap that grows, for profiling Debian's node. Each round indexes
// 20 000 records by key and deletes a quarter of the previous round's: V8 commits new heap
// pages with mprotect as it grows. Usage: node node_heap.js [ROUNDS]
const rounds = Number(process.argv[2] || 30);
const table = new Map();
let checksum = 0;
for (let round = 0; round < rounds; round++) {
  for (let i = 0; i < 20000; i++) {
    const key = `r${round}-k${i}`;
    table.set(key, { id: i, round, tags: [key.length, i % 7], text: "value-" + i });
  }
  for (const [key, value] of table) if (value.round === round - 1 && value.id % 4 === 0) table.delete(key);
  checksum += table.size;
}
console.log(`rounds=${rounds} entries=${table.size} checksum=${checksum}`);
