// The "report a problem" flow from C++ with the RAII wrapper: no manual frees anywhere.
#include "casebook.hpp"

#include <iostream>

int main(int argc, char **argv) {
    try {
        cb::Casebook book(argc > 1 ? argv[1] : ":memory:");
        cb::Actor user;
        user.id = "user-42";
        user.name = "Ada";

        std::cout << "reported: "
                  << book.report(user, "Export to PDF crashes since this morning.",
                                 {{"app_version", "5.2.1"}, {"os", "Windows 11"}})
                  << "\n";
        std::cout << "my open cases: " << book.list_mine(user, true) << "\n";
        std::cout << "CB-1: " << book.get(user, "CB-1") << "\n";

        try {
            book.get(user, "CB-999");
            std::cerr << "CB-999 should not exist\n";
            return 1;
        } catch (const cb::Error &e) {
            if (e.status() != CASEBOOK_NOT_FOUND) throw;
            std::cout << "CB-999: " << e.what() << "\n";
        }
        return 0;
    } catch (const cb::Error &e) {
        std::cerr << "casebook error: " << e.what() << "\n";
        return 1;
    }
}
