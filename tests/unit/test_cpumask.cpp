// test_cpumask.cpp: (being written)
#include <gtest/gtest.h>
