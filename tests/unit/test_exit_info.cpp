// test_exit_info.cpp: (being written)
#include <gtest/gtest.h>
