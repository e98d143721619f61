#include "summary.h"

Summary& Summary::operator+=(const Summary& other) {
  docs += other.docs;
  tokens += other.tokens;
  unique += other.unique;
  rejected += other.rejected;
  return *this;
}

std::ostream& operator<<(std::ostream& out, const Summary& summary) {
  return out << "docs=" << summary.docs << " tokens=" << summary.tokens << " unique=" << summary.unique
             << " rejected=" << summary.rejected;
}
