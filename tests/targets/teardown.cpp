// A program that frees everything it built on its way out, as C++ programs with RAII do: a
// registry that grows all run and a cache that fills once, both destroyed when main returns.
// Judged at exit both are "freed"; the registry grew until the teardown.
#include <unistd.h>

#include <map>
#include <string>
#include <vector>

struct Registry {
  std::map<int, std::string> entries;
  void add(int key) { entries[key] = std::string(200, 'r'); }
};

struct Cache {
  std::vector<std::string> slots;
  void put(int key) {
    if (slots.size() < 500) slots.push_back(std::string(300, 'c'));
    else slots[size_t(key) % slots.size()] = std::string(300, 'd');
  }
};

int main() {
  Registry registry;
  Cache cache;
  for (int key = 0; key < 20000; ++key) {
    registry.add(key);
    cache.put(key);
    if (key % 100 == 0) usleep(5000);  // a second in all: room for the recorder's snapshots
  }
}
