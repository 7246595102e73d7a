# Warnings are errors everywhere, under gcc and clang.
add_compile_options(-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
                    -Wformat=2 -Wvla -Wno-unused-parameter)
add_compile_definitions(_POSIX_C_SOURCE=200809L _DEFAULT_SOURCE)
