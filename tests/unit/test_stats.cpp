// test_stats.cpp: (being written)
#include <gtest/gtest.h>
